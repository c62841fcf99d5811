#include "git/ignore.h"

#include <cstddef>

namespace sluice::git {
namespace {

// Matches a character class starting at pattern[i] == '['. On success sets `end` to the index
// after the closing ']' and `matched` to whether `c` is in the class; false for an unterminated
// class (then '[' is an ordinary character).
bool match_class(std::string_view pattern, std::size_t i, char c, std::size_t& end, bool& matched) {
  std::size_t j = i + 1;
  bool negated = false;
  if (j < pattern.size() && (pattern[j] == '!' || pattern[j] == '^')) {
    negated = true;
    ++j;
  }
  bool found = false;
  bool first = true;
  while (j < pattern.size() && (first || pattern[j] != ']')) {
    first = false;
    char low = pattern[j];
    if (low == '\\' && j + 1 < pattern.size()) low = pattern[++j];
    ++j;
    char high = low;
    if (j + 1 < pattern.size() && pattern[j] == '-' && pattern[j + 1] != ']') {
      high = pattern[j + 1];
      if (high == '\\' && j + 2 < pattern.size()) {
        high = pattern[j + 2];
        ++j;
      }
      j += 2;
    }
    if (low <= c && c <= high) found = true;
  }
  if (j >= pattern.size()) return false;
  end = j + 1;
  matched = c != '/' && (found != negated);
  return true;
}

bool match_from(std::string_view pattern, std::size_t p, std::string_view text, std::size_t t) {
  while (p < pattern.size()) {
    const char c = pattern[p];
    if (c == '*') {
      const bool double_star = p + 1 < pattern.size() && pattern[p + 1] == '*';
      const bool at_segment_start = p == 0 || pattern[p - 1] == '/';
      if (double_star && at_segment_start) {
        const std::size_t after = p + 2;
        if (after == pattern.size()) return true;  // trailing "**": everything below
        if (pattern[after] == '/') {
          // "**/": zero or more whole directories.
          if (match_from(pattern, after + 1, text, t)) return true;
          for (std::size_t k = t; k < text.size(); ++k) {
            if (text[k] == '/' && match_from(pattern, after + 1, text, k + 1)) return true;
          }
          return false;
        }
      }
      std::size_t next = p + 1;
      while (next < pattern.size() && pattern[next] == '*') ++next;
      for (std::size_t k = t;; ++k) {
        if (match_from(pattern, next, text, k)) return true;
        if (k >= text.size() || text[k] == '/') return false;
      }
    }
    if (t >= text.size()) return false;
    if (c == '?') {
      if (text[t] == '/') return false;
      ++p;
      ++t;
      continue;
    }
    if (c == '[') {
      std::size_t end = 0;
      bool matched = false;
      if (match_class(pattern, p, text[t], end, matched)) {
        if (!matched) return false;
        p = end;
        ++t;
        continue;
      }
    }
    char literal = c;
    if (c == '\\' && p + 1 < pattern.size()) literal = pattern[++p];
    if (text[t] != literal) return false;
    ++p;
    ++t;
  }
  return t == text.size();
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view text) {
  return match_from(pattern, 0, text, 0);
}

void IgnoreRules::add(std::string_view text) {
  while (!text.empty()) {
    const std::size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    add_line(line);
    if (eol == std::string_view::npos) break;
    text.remove_prefix(eol + 1);
  }
}

void IgnoreRules::add_line(std::string_view line) {
  if (line.empty() || line.front() == '#') return;
  // Trailing spaces are dropped unless escaped with a backslash.
  while (!line.empty() && line.back() == ' ') {
    std::size_t backslashes = 0;
    for (std::size_t i = line.size() - 1; i > 0 && line[i - 1] == '\\'; --i) ++backslashes;
    if (backslashes % 2 == 1) break;
    line.remove_suffix(1);
  }
  Rule rule;
  if (!line.empty() && line.front() == '!') {
    rule.negated = true;
    line.remove_prefix(1);
  }
  if (!line.empty() && line.back() == '/') {
    std::size_t backslashes = 0;
    for (std::size_t i = line.size() - 1; i > 0 && line[i - 1] == '\\'; --i) ++backslashes;
    if (backslashes % 2 == 0) {
      rule.directory_only = true;
      while (!line.empty() && line.back() == '/') line.remove_suffix(1);
    }
  }
  if (line.find('/') != std::string_view::npos) rule.anchored = true;
  while (!line.empty() && line.front() == '/') line.remove_prefix(1);
  if (line.empty()) return;
  rule.pattern = std::string(line);
  rules_.push_back(std::move(rule));
}

bool IgnoreRules::matches(std::string_view path, bool is_directory) const {
  const std::size_t slash = path.rfind('/');
  const std::string_view base = slash == std::string_view::npos ? path : path.substr(slash + 1);
  for (auto rule = rules_.rbegin(); rule != rules_.rend(); ++rule) {
    if (rule->directory_only && !is_directory) continue;
    if (glob_match(rule->pattern, rule->anchored ? path : base)) return !rule->negated;
  }
  return false;
}

bool IgnoreRules::ignored(std::string_view path, bool is_directory) const {
  if (rules_.empty()) return false;
  for (std::size_t slash = path.find('/'); slash != std::string_view::npos;
       slash = path.find('/', slash + 1)) {
    if (matches(path.substr(0, slash), true)) return true;
  }
  return matches(path, is_directory);
}

}  // namespace sluice::git
