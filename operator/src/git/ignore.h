#pragma once

// Ignore rules in gitignore syntax, applied to a snapshot (git/snapshot.h) and so to its digest.
// Patterns come from the source's spec and from a `.sluiceignore` file at the repository root.
// Supported: `*`, `?`, `**` (leading `**/`, trailing `/**`, inner `/**/`), character classes
// (`[a-z]`, `[!x]`, `[^x]`), a leading or inner `/` anchoring the pattern at the root, a trailing
// `/` matching directories only, `!` negation, `#` comments, blank lines, `\` escapes (`\#`,
// `\!`, `\ `, `\*`). The last matching pattern wins, and, as in git, a path under an ignored
// directory stays ignored whatever a later negation says. Pure logic.

#include <string>
#include <string_view>
#include <vector>

namespace sluice::git {

class IgnoreRules {
 public:
  // Adds every line of `text` (a .gitignore-style file or one spec pattern) as a rule.
  void add(std::string_view text);

  // True when `path` (relative, '/'-separated, no leading '/') is ignored: one of its parent
  // directories is, or the last rule matching the path itself is not a negation.
  bool ignored(std::string_view path, bool is_directory) const;

  // The verdict for `path` itself, without looking at its parents: for a walk that already
  // skips ignored directories.
  bool matches(std::string_view path, bool is_directory) const;

  bool empty() const noexcept { return rules_.empty(); }

 private:
  struct Rule {
    std::string pattern;  // without the leading '!', leading '/' and trailing '/'
    bool negated = false;
    bool directory_only = false;
    bool anchored = false;  // matched against the whole path, not any trailing part
  };
  void add_line(std::string_view line);

  std::vector<Rule> rules_;
};

// Wildmatch of `pattern` against `text` with gitignore's rules ('*' and '?' stop at '/', `**`
// between slashes crosses them). Exposed for tests.
bool glob_match(std::string_view pattern, std::string_view text);

}  // namespace sluice::git
