#include "render/transformers/strategic_merge_lists.h"

#include "core/go_format.h"
#include "core/yaml_writer.h"

// Ports of the kyaml v0.18.1 filters (yaml/fns.go) and list helpers
// (yaml/walk/associative_sequence.go) that merge2 merges keyed lists with, quirks included:
// kustomize's element order and its treatment of elements without keys follow from them.
namespace sluice::render::transformers::smp {
namespace {

bool missing_or_null(const Json* node) {
  return node == nullptr || node->is_null();
}

std::string kind_name(NodeKind kind) {
  switch (kind) {
    case NodeKind::kMap:
      return "MappingNode";
    case NodeKind::kList:
      return "SequenceNode";
    default:
      return "ScalarNode";
  }
}

// kyaml's match: two key tuples that agree where both are set and share one value.
std::optional<Strings> combine(const Strings& first, const Strings& second) {
  if (first.size() != second.size()) return std::nullopt;
  bool common = false;
  Strings result;
  for (std::size_t i = 0; i < first.size(); ++i) {
    if (first[i] == second[i]) {
      common = true;
      result.push_back(first[i]);
      continue;
    }
    if (!first[i].empty() && !second[i].empty()) return std::nullopt;
    result.push_back(first[i].empty() ? second[i] : first[i]);
  }
  if (!common) return std::nullopt;
  return result;
}

}  // namespace

// A scalar's text as kyaml compares it (yaml.Node.Value); collections have none.
std::string node_text(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (value.is_number_integer()) return value.dump();
  if (value.is_number_float()) return goyaml::float_scalar(value.get<double>());
  if (value.is_null()) return "null";
  return {};
}

// node_text(value) == text, without building the text for strings.
bool text_equals(const Json& value, const std::string& text) {
  if (value.is_string()) return value.get_ref<const std::string&>() == text;
  return node_text(value) == text;
}

bool empty_map(const Json& node) {
  return node.is_object() && node.empty();
}

// kyaml's ElementValuesList: an absent, null or empty value counts as "".
std::string key_value(const Json& element, const std::string& key) {
  if (!element.is_object()) return {};
  const auto found = element.find(key);
  if (found == element.end() || found->is_null() || (found->is_structured() && found->empty())) {
    return {};
  }
  return node_text(*found);
}

NodeKind kind_of(const Json* node) {
  if (missing_or_null(node)) return NodeKind::kNone;
  if (node->is_object()) return NodeKind::kMap;
  if (node->is_array()) return NodeKind::kList;
  return NodeKind::kScalar;
}

Error wrong_kind(NodeKind expected, const Json& node) {
  return invalid_argument("wrong node kind: expected " + kind_name(expected) + " but got " +
                          kind_name(kind_of(&node)) + ": node contents:\n" + write_yaml(node));
}

void require_kind(NodeKind expected, const Json* node) {
  if (!missing_or_null(node) && kind_of(node) != expected) throw wrong_kind(expected, *node);
}

// kyaml's FieldMatcher applied to one list element: whether it has field `name` whose text is
// `value` (any value when `value` is empty and not `exact`, as ElementSetter asks; MatchField,
// which ElementMatcher uses, asks for an exact match); with an empty name, whether the scalar
// element itself reads `value`.
bool field_matches(const Json& element, const std::string& name, const std::string& value,
                   bool exact) {
  if (element.is_null()) return false;
  if (name.empty()) {
    if (element.is_structured()) throw wrong_kind(NodeKind::kScalar, element);
    return text_equals(element, value);
  }
  if (!element.is_object()) throw wrong_kind(NodeKind::kMap, element);
  const auto found = element.find(name);
  return found != element.end() && ((value.empty() && !exact) || text_equals(*found, value));
}

// kyaml's ElementSetter: replaces each element matching keys=values with `element` (removes it
// when there is none) and appends `element` when nothing matched. Null and empty-map elements
// are dropped on the way. Values may be shorter than keys: a key without a value then repeats
// the previous key's result, as in kyaml.
void set_element(List& list, const std::optional<Json>& element, Strings keys,
                 const Strings& values) {
  if (keys.empty()) keys.emplace_back();
  const bool mapping_setter = !keys[0].empty() && !values.empty() && !values[0].empty();
  List kept;
  kept.reserve(list.size() + 1);
  bool matched = false;
  for (Json& item : list) {
    if (item.is_null() || empty_map(item)) continue;
    if (!item.is_object() && mapping_setter) {
      kept.push_back(std::move(item));
      continue;
    }
    bool found = false;
    for (std::size_t j = 0; j < keys.size(); ++j) {
      if (j < values.size()) found = field_matches(item, keys[j], values[j]);
      if (!found) break;
    }
    if (!found) {
      if (!values.empty()) kept.push_back(std::move(item));
      continue;
    }
    matched = true;
    if (element) kept.push_back(*element);
  }
  list = std::move(kept);
  if (!element || element->is_null()) return;
  if (!matched) list.push_back(*element);
}

// kyaml's ElementMatcher: the first element matching keys=values.
std::optional<std::size_t> find_element(const List& list, Strings keys, Strings values) {
  if (keys.empty()) keys.emplace_back();
  if (values.empty()) values.emplace_back();
  if (keys[0].empty()) {
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (list[i].is_structured() ? values[0].empty() : text_equals(list[i], values[0])) return i;
    }
    return std::nullopt;
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (!list[i].is_object()) continue;
    if (keys.size() != values.size()) {
      throw invalid_argument(
          "length of keys must equal length of values when MatchAnyValue is false");
    }
    bool all = true;
    for (std::size_t k = 0; k < keys.size() && all; ++k) {
      all = field_matches(list[i], keys[k], values[k], true);
    }
    if (all) return i;
  }
  return std::nullopt;
}

// kyaml's validateKeys: the keys some element has a value for, and `values` at those keys.
std::set<std::string> keys_with_values(const std::vector<Strings>& values_list,
                                       const Strings& keys) {
  std::set<std::string> valid;
  for (const Strings& each : values_list) {
    for (std::size_t i = 0; i < each.size() && i < keys.size(); ++i) {
      if (!each[i].empty()) valid.insert(keys[i]);
    }
  }
  return valid;
}

std::pair<Strings, Strings> validate_keys(const std::set<std::string>& valid, const Strings& values,
                                          const Strings& keys) {
  if (valid.empty()) return {keys, values};
  Strings valid_keys;
  Strings valid_values;
  for (const std::string& key : keys) {
    if (valid.contains(key)) valid_keys.push_back(key);
  }
  for (std::size_t i = 0; i < values.size() && i < keys.size(); ++i) {
    if (!values[i].empty() || valid.contains(keys[i])) valid_values.push_back(values[i]);
  }
  return {valid_keys, valid_values};
}

void merge_values(std::vector<Strings>& values_list) {
  for (std::size_t i = 0; i < values_list.size(); ++i) {
    const Strings first = values_list[i];
    for (std::size_t j = 0; j < values_list.size(); ++j) {
      if (std::optional<Strings> merged = combine(first, values_list[j])) {
        values_list[i] = *merged;
        values_list[j] = *merged;
      }
    }
  }
}

// kyaml's appendListNode: the destination's elements replace their matches in `items`.
void append_list(List& items, const List& destination, const Strings& keys) {
  for (const Json& element : destination) {
    if (keys[0].empty()) {
      set_element(items, element, {""}, {node_text(element)});
      continue;
    }
    Strings values;
    for (const std::string& key : keys) {
      if (element.is_null()) {
        items.push_back(element);
        continue;
      }
      if (!element.is_object()) throw wrong_kind(NodeKind::kMap, element);
      const auto found = element.find(key);
      if (found == element.end()) {
        items.push_back(element);
        continue;
      }
      values.push_back(node_text(*found));
    }
    if (keys.size() > 1) set_element(items, std::nullopt, keys, values);
    set_element(items, element, keys, values);
  }
}

}  // namespace sluice::render::transformers::smp
