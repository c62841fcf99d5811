#include "core/yaml_folded.h"

namespace sluice::yaml_folded {
namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

}  // namespace

std::string kustomize_folded_value(const std::string& value, bool keep_chomping) {
  std::size_t first = 0;
  while (first < value.size() && value[first] == '\n') ++first;
  const bool starts_blank = first == value.size() || is_blank(value[first]);

  std::string out(value, 0, first);  // leading breaks are written and read back unchanged
  std::size_t line_start = first;
  std::size_t i = first;
  while (i < value.size()) {
    if (value[i] != '\n') {
      out.push_back(value[i++]);
      continue;
    }
    std::size_t run_end = i;
    while (run_end < value.size() && value[run_end] == '\n') ++run_end;
    std::size_t breaks = run_end - i;
    const bool line_blank = is_blank(value[line_start]);
    const bool trailing = run_end == value.size();
    const bool next_blank = !trailing && is_blank(value[run_end]);
    if (!starts_blank) {
      if (!line_blank && (trailing ? keep_chomping : next_blank)) ++breaks;
      out.append(breaks, '\n');
    } else if (!trailing && !line_blank && !next_blank) {
      if (breaks == 1) {
        out.push_back(' ');
      } else {
        out.append(breaks - 1, '\n');
      }
    } else {
      out.append(breaks, '\n');
    }
    i = run_end;
    line_start = run_end;
  }
  return out;
}

}  // namespace sluice::yaml_folded
