#pragma once

// Line diffs in the unified format of `diff -u` (GNU diffutils): a `--- FROM` / `+++ TO`
// header, then hunks `@@ -l,s +l,s @@` with `context` unchanged lines around each change
// (hunks closer than twice that are joined), ` `, `-` and `+` lines, and
// `\ No newline at end of file` after a last line without one. Ranges of one line print
// without `,1`; an empty range names the line before it (`-0,0` at the top).
//
// The edit script is Myers' O((N+M)·D) shortest one, after the common head and tail are set
// aside. The work is bounded for untrusted input: when the texts differ in more lines than a
// budget allows (at least 64, at most 2,000, fewer the longer the texts are, so that
// (N+M)·D stays near 5·10^7), the rest of the middle is written as removed then added. The
// result is then longer than it could be, but still exact: applying it to `before` gives
// `after`.

#include <cstddef>
#include <string>
#include <string_view>

namespace sluice {

struct UnifiedDiffOptions {
  std::string from_label = "before";  // after "--- "
  std::string to_label = "after";     // after "+++ "
  std::size_t context = 3;
};

// The unified diff of `before` and `after`; "" when they are equal.
std::string unified_diff(std::string_view before, std::string_view after,
                         const UnifiedDiffOptions& options = {});

}  // namespace sluice
