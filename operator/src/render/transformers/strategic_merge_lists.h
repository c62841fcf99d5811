#pragma once
// The kyaml primitives the strategic merge walker (strategic_merge.cpp) merges keyed lists
// with, ported with their quirks: kustomize's results depend on them.
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/object.h"

namespace sluice::render::transformers::smp {

using Strings = std::vector<std::string>;
using List = std::vector<Json>;

// A scalar's text as kyaml compares it (yaml.Node.Value); collections have none.
std::string node_text(const Json& value);
// node_text(value) == text, without building the text for strings.
bool text_equals(const Json& value, const std::string& text);
bool empty_map(const Json& node);
// kyaml's ElementValuesList for one element: an absent, null or empty value counts as "".
std::string key_value(const Json& element, const std::string& key);

enum class NodeKind { kNone, kMap, kList, kScalar };
NodeKind kind_of(const Json* node);
// kyaml's "wrong node kind: expected X but got Y: node contents:\n..." error.
Error wrong_kind(NodeKind expected, const Json& node);
// Throws wrong_kind unless `node` is missing, null or of kind `expected`.
void require_kind(NodeKind expected, const Json* node);

// kyaml's FieldMatcher on one list element: whether it has field `name` whose text is `value`
// (any value when `value` is empty and not `exact`, as ElementSetter asks; MatchField, which
// ElementMatcher uses, asks for an exact match); with an empty name, whether the scalar
// element itself reads `value`.
bool field_matches(const Json& element, const std::string& name, const std::string& value,
                   bool exact = false);

// kyaml's ElementSetter: replaces each element matching keys=values with `element` (removes it
// when there is none) and appends `element` when nothing matched. Null and empty-map elements
// are dropped on the way. Values may be shorter than keys: a key without a value then repeats
// the previous key's result, as in kyaml.
void set_element(List& list, const std::optional<Json>& element, Strings keys,
                 const Strings& values);

// kyaml's ElementMatcher: the first element matching keys=values exactly.
std::optional<std::size_t> find_element(const List& list, Strings keys, Strings values);

// kyaml's validateKeys, in two steps: the keys some tuple has a value for, then `values`
// restricted to those keys (all of them when there are none).
std::set<std::string> keys_with_values(const std::vector<Strings>& values_list,
                                       const Strings& keys);
std::pair<Strings, Strings> validate_keys(const std::set<std::string>& valid, const Strings& values,
                                          const Strings& keys);

// kyaml's mergeValues: key tuples that agree where both are set, and share a value, merge.
void merge_values(std::vector<Strings>& values_list);

// kyaml's appendListNode: the destination's elements replace their matches in `items`.
void append_list(List& items, const List& destination, const Strings& keys);

}  // namespace sluice::render::transformers::smp
