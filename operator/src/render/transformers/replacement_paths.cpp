#include "render/transformers/replacement_paths.h"

#include <algorithm>
#include <optional>
#include <regex>

#include "core/error.h"
#include "core/go_format.h"

namespace sluice::render::transformers::field_paths {
namespace {

// Bounds on a target's `[name=regex]`: libstdc++'s regex recurses per character matched, so
// both the pattern and the text it runs over stay short (a plain word is matched with find).
constexpr std::size_t kMaxPatternLength = 256;
constexpr std::size_t kMaxRegexSubjectLength = 4096;

// Go's regexp.MatchString(pattern, text): an unanchored search.
class ValueMatcher {
 public:
  explicit ValueMatcher(const std::string& pattern, const std::string& part)
      : pattern_(pattern),
        part_(part),
        plain_(pattern.find_first_of(".^$|?*+()[]{}\\") == std::string::npos) {
    if (plain_) return;
    if (pattern.size() > kMaxPatternLength) {
      throw invalid_argument("list selector '" + part + "' is too long");
    }
    try {
      regex_ = std::regex(pattern);
    } catch (const std::regex_error&) {
      throw invalid_argument("list selector '" + part + "' is not a valid regular expression");
    }
  }

  bool matches(const std::string& text) const {
    if (plain_) return text.find(pattern_) != std::string::npos;
    if (text.size() > kMaxRegexSubjectLength) {
      throw invalid_argument("list selector '" + part_ + "': a value longer than " +
                             std::to_string(kMaxRegexSubjectLength) +
                             " bytes cannot be matched against a regular expression");
    }
    return std::regex_search(text, regex_);
  }

 private:
  std::string pattern_;
  std::string part_;
  bool plain_;
  std::regex regex_;
};

bool is_list_selector(const std::string& part) {
  return part.size() >= 2 && part.front() == '[' && part.back() == ']';
}

std::optional<std::size_t> list_index(const std::string& part) {
  if (part.empty() || part.size() > 9 ||
      !std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  return static_cast<std::size_t>(std::stoul(part));
}

std::pair<std::string, std::string> split_list_selector(const std::string& part) {
  const std::string inner = part.substr(1, part.size() - 2);
  const std::size_t equals = inner.find('=');
  if (equals == std::string::npos) {
    throw invalid_argument("wrong format of list selector '" + part +
                           "': expected [fieldName=fieldValue]");
  }
  return {inner.substr(0, equals), inner.substr(equals + 1)};
}

std::string kind_name(const Json& node) {
  if (node.is_object()) return "MappingNode";
  if (node.is_array()) return "SequenceNode";
  return "ScalarNode";
}

[[noreturn]] void wrong_kind(std::string_view expected, const Json& node) {
  throw invalid_argument("wrong node kind: expected " + std::string(expected) + " but got " +
                         kind_name(node));
}

}  // namespace

// kyaml's SmarterPathSplitter: split at dots not escaped with a backslash; a part opening with
// '[' runs to the part closing with ']'; brackets without '=' are dropped ("[a.b]" is key a.b).
std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> raw{std::string()};
  for (const char c : path) {
    if (c == '.' && raw.back().ends_with('\\')) {
      raw.back().back() = '.';
    } else if (c == '.') {
      raw.emplace_back();
    } else {
      raw.back() += c;
    }
  }
  std::vector<std::string> parts;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (!raw[i].starts_with('[') || raw[i].ends_with(']')) {
      parts.push_back(raw[i]);
      continue;
    }
    std::string joined = raw[i];
    while (i + 1 < raw.size()) {
      joined += "." + raw[++i];
      if (joined.ends_with(']')) break;
    }
    if (joined.find('=') == std::string::npos) {
      const std::size_t begin = joined.find_first_not_of("[]");
      const std::size_t end = joined.find_last_not_of("[]");
      joined = begin == std::string::npos ? "" : joined.substr(begin, end - begin + 1);
    }
    parts.push_back(joined);
  }
  return parts;
}

// yaml.GetValue: the text of a scalar; maps and lists have none.
std::string scalar_text(const Json& node) {
  if (node.is_string()) return node.get<std::string>();
  if (node.is_boolean()) return node.get<bool>() ? "true" : "false";
  if (node.is_number_integer()) {
    return node.is_number_unsigned() ? std::to_string(node.get<std::uint64_t>())
                                     : std::to_string(node.get<std::int64_t>());
  }
  if (node.is_number_float()) return goyaml::format_float_g(node.get<double>());
  return {};
}

bool is_scalar(const Json& node) {
  return !node.is_object() && !node.is_array();
}

// kyaml's PathGetter without create, as the source is read: nullptr when the path leads
// nowhere.
const Json* lookup(const Json& root, const std::vector<std::string>& parts) {
  const auto first = std::find_if(parts.begin(), parts.end(),
                                  [](const std::string& part) { return !part.empty(); });
  if (first != parts.end() && first->starts_with('\x01')) return nullptr;
  const Json* node = &root;
  for (const std::string& part : parts) {
    if (node->is_null()) return nullptr;
    if (part.empty()) continue;  // kyaml's PathGetter skips empty parts ("a..b")
    if (part == "*") throw invalid_argument("wildcard is not supported in PathGetter");
    if (part == "-" && node->is_array()) {  // the last element
      if (node->empty()) return nullptr;
      node = &node->back();
      continue;
    }
    if (is_list_selector(part)) {
      const auto [field, value] = split_list_selector(part);
      if (!node->is_array()) wrong_kind("SequenceNode", *node);
      const Json* found = nullptr;
      for (const Json& element : *node) {
        if (field.empty()
                ? is_scalar(element) && scalar_text(element) == value
                : element.is_object() && element.contains(field) && is_scalar(element.at(field)) &&
                      scalar_text(element.at(field)) == value) {
          found = &element;
          break;
        }
      }
      if (found == nullptr) return nullptr;
      node = found;
    } else if (const auto index = list_index(part); index && node->is_array()) {
      if (*index >= node->size()) return nullptr;
      node = &node->at(*index);
    } else {
      if (!node->is_object()) wrong_kind("MappingNode", *node);
      const auto it = node->find(part);
      if (it == node->end()) return nullptr;
      node = &*it;
    }
  }
  return node;
}

namespace {

// kyaml's PathMatcher, creating what is missing when `create`.
class TargetMatcher {
 public:
  TargetMatcher(const std::vector<std::string>& parts, bool create)
      : parts_(parts), create_(create) {}

  void match(Json& node, std::size_t at, bool created, std::vector<TargetField>& out) const {
    if (at == parts_.size()) {
      out.push_back({&node, created});
      return;
    }
    const std::string& part = parts_[at];
    if (list_index(part)) {
      match_index(node, at, *list_index(part), out);
    } else if (is_list_selector(part)) {
      match_selector(node, at, out);
    } else if (part == "*") {
      if (!node.is_array()) wrong_kind("SequenceNode", node);
      for (Json& element : node) match(element, at + 1, false, out);
    } else {
      match_field(node, at, out);
    }
  }

 private:
  // The node `create` makes for parts_[at]: a list before an index or selector, else a map;
  // the leaf stays null until the value arrives.
  Json new_node(std::size_t at) const {
    if (at >= parts_.size()) return nullptr;
    const std::string& part = parts_[at];
    if (list_index(part) || is_list_selector(part)) {
      return Json::array();
    }
    return Json::object();
  }

  void match_field(Json& node, std::size_t at, std::vector<TargetField>& out) const {
    if (parts_[at].empty()) wrong_kind("ScalarNode", node);
    if (node.is_null()) {
      if (!create_) return;
      node = Json::object();
    }
    if (!node.is_object()) wrong_kind("MappingNode", node);
    auto it = node.find(parts_[at]);
    // A null leaf is an existing field (typed null); a null on the way counts as absent.
    const bool leaf = at + 1 == parts_.size();
    if (it == node.end() || (it->is_null() && !leaf)) {
      if (!create_) return;
      Json& made = node[parts_[at]];
      made = new_node(at + 1);
      match(made, at + 1, true, out);
      return;
    }
    match(*it, at + 1, false, out);
  }

  void match_index(Json& node, std::size_t at, std::size_t index,
                   std::vector<TargetField>& out) const {
    if (!node.is_array()) wrong_kind("SequenceNode", node);
    if (index == node.size() && create_) {
      node.push_back(new_node(at + 1));
      match(node.back(), at + 1, true, out);
      return;
    }
    if (index >= node.size()) {
      throw invalid_argument("index " + std::to_string(index) + " specified but only " +
                             std::to_string(node.size()) + " elements found");
    }
    match(node.at(index), at + 1, false, out);
  }

  void match_selector(Json& node, std::size_t at, std::vector<TargetField>& out) const {
    const auto [field, pattern] = split_list_selector(parts_[at]);
    const ValueMatcher matcher(pattern, parts_[at]);
    if (node.is_null() && create_) node = Json::array();
    if (!node.is_array()) wrong_kind("SequenceNode", node);
    bool any = false;
    for (Json& element : node) {
      const Json* key = field.empty()                                    ? &element
                        : element.is_object() && element.contains(field) ? &element.at(field)
                                                                         : nullptr;
      if (key == nullptr || !is_scalar(*key) || key->is_null()) continue;
      if (!matcher.matches(scalar_text(*key))) continue;
      any = true;
      // kyaml takes a matching scalar element itself and ignores the rest of the path.
      if (field.empty()) {
        out.push_back({&element, false});
      } else {
        match(element, at + 1, false, out);
      }
    }
    if (any || !create_) return;
    if (field.empty()) {
      const bool was_empty = node.empty();
      node.push_back(pattern);
      out.push_back({&node.back(), true, true, was_empty});
      return;
    }
    node.push_back(Json::object({{field, pattern}}));
    match(node.back(), at + 1, true, out);
  }

  const std::vector<std::string>& parts_;
  bool create_;
};

}  // namespace

std::vector<TargetField> match_targets(Json& root, const std::vector<std::string>& parts,
                                       bool create) {
  std::vector<TargetField> out;
  if (!parts.empty() && parts.front().starts_with('\x01')) return out;
  TargetMatcher(parts, create).match(root, 0, false, out);
  return out;
}

}  // namespace sluice::render::transformers::field_paths
