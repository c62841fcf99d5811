#include "core/openssh_pattern.h"

namespace sluice {

bool match_openssh_pattern(std::string_view pattern, std::string_view text) {
  std::size_t p = 0;
  std::size_t t = 0;
  std::size_t star = std::string_view::npos;
  std::size_t resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool match_openssh_pattern_list(std::string_view list, std::string_view text) {
  bool matched = false;
  while (true) {
    const std::size_t comma = list.find(',');
    std::string_view pattern = list.substr(0, comma);
    const bool negated = pattern.starts_with('!');
    if (negated) pattern.remove_prefix(1);
    if (match_openssh_pattern(pattern, text)) {
      if (negated) return false;
      matched = true;
    }
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return matched;
}

}  // namespace sluice
