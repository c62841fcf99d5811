#include "render/transformers/strategic_merge.h"

#include <algorithm>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/yaml_reader.h"
#include "render/metadata_maps.h"
#include "render/resource_id.h"
#include "render/transformers/strategic_merge_lists.h"
#include "render/transformers/strategic_merge_schema.h"

// A port of kyaml's merge2 walker (yaml/walk, yaml/merge2 and the ElementSetter and
// FieldMatcher filters of yaml/fns.go, v0.18.1) onto JSON trees. kyaml mutates the resource's
// YAML nodes in place and later compares nodes by identity; `from_destination` carries that
// identity where it shows in the result (merged list elements).
namespace sluice::render::transformers {
namespace {

using smp::append_list;
using smp::empty_map;
using smp::find_element;
using smp::key_value;
using smp::keys_with_values;
using smp::kind_of;
using smp::merge_values;
using smp::node_text;
using smp::NodeKind;
using smp::NodeSchema;
using smp::require_kind;
using smp::set_element;
using smp::validate_keys;
using smp::wrong_kind;
using Schema = std::optional<NodeSchema>;
using smp::List;
using smp::Strings;

// Patches are untrusted: bound the recursion (the YAML reader bounds nesting too), and the
// length of merged lists, which kyaml merges in quadratic time.
constexpr std::size_t kMaxDepth = 256;
constexpr std::size_t kMaxMergedListLength = 2000;

struct Merged {
  bool cleared = false;
  Json value;
  bool from_destination = false;
};

Merged cleared_node() {
  return {true, Json(), false};
}

enum class Directive { kMerge, kReplace, kDelete, kUnknown };

bool missing_or_null(const Json* node) {
  return node == nullptr || node->is_null();
}

Directive directive_named(const std::string& value) {
  if (value == "delete") return Directive::kDelete;
  if (value == "replace") return Directive::kReplace;
  if (value == "merge") return Directive::kMerge;
  return Directive::kUnknown;
}

Error unknown_strategy(const std::string& value) {
  return invalid_argument("unknown patch strategy '" + value + "'");
}

// determineMappingNodePatchStrategy: reads and removes a map's `$patch`.
Directive map_directive(Json& patch) {
  const auto found = patch.find("$patch");
  if (found == patch.end()) return Directive::kMerge;
  const std::string value = node_text(*found);
  const Directive directive = directive_named(value);
  if (directive != Directive::kUnknown) patch.erase("$patch");
  return directive;
}

// determineSequenceNodePatchStrategy: a list's own `- $patch: x` element, removed.
Directive list_directive(List& patch) {
  const Json* element = nullptr;
  for (const Json& item : patch) {
    if (item.is_object() && item.contains("$patch")) {
      element = &item;
      break;
    }
  }
  if (element == nullptr || element->size() > 1) return Directive::kMerge;
  const std::string value = node_text(element->at("$patch"));
  const Directive directive = directive_named(value);
  if (directive == Directive::kUnknown) throw unknown_strategy(value);
  set_element(patch, std::nullopt, {"$patch"}, {value});
  return directive;
}

Json scalar_from_text(const std::string& text) {
  try {
    Json value = parse_yaml(text);
    if (!value.is_structured() && !value.is_null()) return value;
  } catch (const Error&) {
  }
  return text;
}

Merged walk(const Json* dest, const Json* origin, Schema schema, std::size_t depth);

// The schema kyaml looks up for a node without one: that of its own apiVersion and kind.
Schema schema_from_meta(const Json* dest, const Json* origin) {
  for (const Json* node : {dest, origin}) {
    if (missing_or_null(node) || !node->is_object()) continue;
    const auto api_version = node->find("apiVersion");
    const auto kind = node->find("kind");
    if (api_version == node->end() || kind == node->end() || !api_version->is_string() ||
        !kind->is_string()) {
      continue;
    }
    if (Schema found =
            NodeSchema::for_kind(api_version->get<std::string>(), kind->get<std::string>())) {
      return found;
    }
  }
  return std::nullopt;
}

Merged walk_map(const Json* dest, const Json* origin, const Schema& schema, std::size_t depth) {
  Json result;
  Json patch;
  bool has_patch = origin != nullptr;
  bool from_destination = false;
  bool self = false;  // kyaml merges the patch's node with itself
  if (missing_or_null(dest)) {
    // kyaml keeps a null the patch does not mention.
    if (origin == nullptr) return dest == nullptr ? cleared_node() : Merged{false, *dest, true};
    if (origin->is_null()) return {false, Json(), false};
    result = *origin;
    if (map_directive(result) == Directive::kDelete) return cleared_node();
    self = true;
  } else if (dest == origin) {
    result = *dest;
    const Directive directive = map_directive(result);
    if (directive == Directive::kDelete) return cleared_node();
    if (directive == Directive::kUnknown) throw unknown_strategy(node_text(result.at("$patch")));
    self = true;
    from_destination = true;
  } else {
    if (has_patch && origin->is_null()) return cleared_node();
    Directive directive = Directive::kMerge;
    if (has_patch) {
      patch = *origin;
      directive = map_directive(patch);
    }
    switch (directive) {
      case Directive::kDelete:
        return cleared_node();
      case Directive::kUnknown:
        throw unknown_strategy(node_text(patch.at("$patch")));
      case Directive::kReplace:
        result = patch;
        self = true;
        break;
      case Directive::kMerge:
        result = *dest;
        from_destination = true;
        break;
    }
  }
  const Json base = result;
  std::set<std::string> keys;
  for (const auto& [key, value] : base.items()) keys.insert(key);
  if (!self && has_patch) {
    for (const auto& [key, value] : patch.items()) keys.insert(key);
  }
  for (const std::string& key : keys) {
    const auto in_base = base.find(key);
    const Json* dest_field = in_base == base.end() ? nullptr : &*in_base;
    const Json* origin_field = dest_field;
    if (!self) {
      const auto in_patch = has_patch ? patch.find(key) : patch.end();
      origin_field = has_patch && in_patch != patch.end() ? &*in_patch : nullptr;
    }
    const Schema field_schema = schema ? schema->field(key) : std::nullopt;
    Merged child = walk(dest_field, origin_field, field_schema, depth + 1);
    if (child.cleared || (child.value.is_null() && origin_field != nullptr)) {
      result.erase(key);
    } else {
      result[key] = std::move(child.value);
    }
  }
  return {false, std::move(result), from_destination};
}

// setAssociativeSequenceElements, with lists growing at the front (the patch's elements
// first). `destination` and `patch` may be the same list.
Merged merge_elements(std::vector<Strings> values_list, const Strings& keys, List& destination,
                      List* patch, const Schema& element_schema, std::size_t depth) {
  List items;
  if (keys.size() > 1) merge_values(values_list);
  Strings valid_keys;
  Strings valid_values;
  const std::set<std::string> keys_set = keys_with_values(values_list, keys);
  for (const Strings& values : values_list) {
    if (values.empty()) continue;
    std::tie(valid_keys, valid_values) = validate_keys(keys_set, values, keys);
    const auto [lookup_keys, lookup_values] =
        validate_keys(keys_with_values({valid_values}, valid_keys), valid_values, valid_keys);
    const std::optional<std::size_t> in_destination =
        find_element(destination, lookup_keys, lookup_values);
    const std::optional<std::size_t> in_patch =
        patch == nullptr ? std::nullopt : find_element(*patch, lookup_keys, lookup_values);
    Merged merged = walk(in_destination ? &destination[*in_destination] : nullptr,
                         in_patch ? &(*patch)[*in_patch] : nullptr, element_schema, depth + 1);
    bool removed = false;
    for (std::size_t i = 0; i < valid_keys.size(); ++i) {
      if (merged.cleared || merged.value.is_null() || empty_map(merged.value)) {
        set_element(destination, std::nullopt, valid_keys, valid_values);
        removed = true;
      } else if (!valid_keys[i].empty() && i < valid_values.size() && !valid_values[i].empty() &&
                 !(merged.value.is_object() && merged.value.contains(valid_keys[i]))) {
        if (!merged.value.is_object()) throw wrong_kind(NodeKind::kMap, merged.value);
        merged.value[valid_keys[i]] = scalar_from_text(valid_values[i]);
      }
    }
    if (removed) continue;
    if (merged.from_destination && in_destination) destination[*in_destination] = merged.value;
    set_element(items, merged.value, valid_keys, valid_values);
  }
  if (values_list.empty() || valid_keys.empty()) return {false, Json(destination), false};
  append_list(items, destination, valid_keys);
  return {false, Json(std::move(items)), false};
}

Merged walk_associative_list(const Json* dest, const Json* origin, const NodeSchema& schema,
                             std::size_t depth) {
  List destination;
  List patch;
  List* patch_list = nullptr;
  bool same = false;
  if (missing_or_null(dest)) {
    // kyaml takes the patch's list as it is, directives included, and merges it with itself.
    patch = origin->get<List>();
    same = true;
  } else if (dest == origin) {
    patch = origin->get<List>();
    if (list_directive(patch) == Directive::kDelete) return cleared_node();
    same = true;
  } else {
    if (origin != nullptr && origin->is_null()) return cleared_node();
    destination = dest->get<List>();
    if (origin != nullptr) {
      patch = origin->get<List>();
      patch_list = &patch;
      switch (list_directive(patch)) {
        case Directive::kDelete:
          return cleared_node();
        case Directive::kReplace:
          same = true;
          break;
        default:
          break;
      }
    }
  }
  List& target = same ? patch : destination;
  if (same) patch_list = &patch;

  if (target.size() + (patch_list == nullptr || same ? 0 : patch_list->size()) >
      kMaxMergedListLength) {
    throw resource_exhausted("strategic merge patch: a list to merge has more than " +
                             std::to_string(kMaxMergedListLength) + " elements");
  }
  const Strings& keys = schema.merge_keys();
  std::vector<Strings> values_list;
  std::set<Strings> seen;
  for (const List* list :
       {static_cast<const List*>(patch_list), static_cast<const List*>(&target)}) {
    if (list == nullptr) continue;
    for (const Json& element : *list) {
      Strings values;
      for (const std::string& key : keys) values.push_back(key_value(element, key));
      if (values.empty() || !seen.insert(values).second) continue;
      values_list.push_back(std::move(values));
    }
  }
  if (!values_list.empty() || !keys.empty()) {
    return merge_elements(std::move(values_list), keys, target, patch_list, schema.elements(),
                          depth);
  }
  // A list of scalars that merges (finalizers): the elements are their own keys.
  std::set<std::string> seen_text;
  for (const List* list :
       {static_cast<const List*>(patch_list), static_cast<const List*>(&target)}) {
    if (list == nullptr) continue;
    for (const Json& element : *list) {
      const std::string text = node_text(element);
      if (seen_text.insert(text).second) values_list.push_back({text});
    }
  }
  return merge_elements(std::move(values_list), {""}, target, patch_list, schema.elements(), depth);
}

Merged pick(const Json* dest, const Json* origin) {
  if (origin != nullptr) return {false, *origin, false};
  return {false, *dest, true};
}

Merged walk(const Json* dest, const Json* origin, Schema schema, std::size_t depth) {
  if (depth > kMaxDepth) {
    throw invalid_argument("strategic merge patch nested deeper than " + std::to_string(kMaxDepth));
  }
  if (!schema) schema = schema_from_meta(dest, origin);
  NodeKind kind = kind_of(dest);
  if (kind == NodeKind::kNone) kind = kind_of(origin);
  switch (kind) {
    case NodeKind::kList:
      require_kind(kind, dest);
      require_kind(kind, origin);
      if (schema && schema->merges_list()) {
        return walk_associative_list(dest, origin, *schema, depth);
      }
      return pick(dest, origin);
    case NodeKind::kScalar:
      require_kind(kind, dest);
      require_kind(kind, origin);
      return pick(dest, origin);
    default:
      require_kind(NodeKind::kMap, dest);
      require_kind(NodeKind::kMap, origin);
      return walk_map(dest, origin, schema, depth);
  }
}

}  // namespace

std::optional<Json> strategic_merge(const Json& resource, const Json& patch) {
  Merged merged = walk(&resource, &patch, std::nullopt, 0);
  if (merged.cleared || merged.value.is_null()) return std::nullopt;
  // kustomize keeps the resource's own node and sees only what the walk changed in it, which
  // is nothing when the patch replaces it whole.
  if (!merged.from_destination) return resource;
  return std::move(merged.value);
}

bool apply_strategic_merge_patch(Object& resource, const Json& patch,
                                 const StrategicMergeOptions& options) {
  const std::string kind = resource.kind();
  const std::string name = resource.name();
  const std::string original_namespace = resource.namespace_name();
  std::optional<Json> merged = strategic_merge(resource.json(), patch);
  if (!merged || (merged->is_object() && merged->empty())) return false;
  Object result(std::move(*merged));
  if (!options.allow_kind_change) result.set_kind(kind);
  if (!options.allow_name_change) result.set_name(name);
  result.set_namespace(original_namespace);
  rewrite_metadata_map(result.json(), "annotations");
  resource = std::move(result);
  return true;
}

std::size_t find_patch_target(const std::vector<std::vector<ResourceId>>& ids, const Object& patch,
                              std::string_view prefix) {
  const ResourceId wanted = ResourceId::of(patch);
  std::vector<std::size_t> matches;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (std::any_of(ids[i].begin(), ids[i].end(),
                    [&](const ResourceId& each) { return each.same_as(wanted); })) {
      matches.push_back(i);
    }
  }
  if (matches.size() == 1) return matches.front();
  throw invalid_argument(
      std::string(prefix) + (matches.empty() ? "no matches for Id " : "multiple matches for Id ") +
      wanted.to_string() + "; failed to find unique target for patch " + wanted.to_string());
}

bool apply_strategic_merge_patch_to(std::vector<Object>& objects,
                                    const std::vector<std::size_t>& selected, const Object& patch,
                                    const StrategicMergeOptions& options,
                                    const std::function<void(Object&)>& store_previous_id) {
  std::vector<bool> deleted(objects.size(), false);
  for (const std::size_t i : selected) {
    Json copy = patch.json();
    copy["apiVersion"] = objects[i].api_version();
    if ((options.allow_name_change || options.allow_kind_change) && store_previous_id) {
      store_previous_id(objects[i]);
    }
    if (!apply_strategic_merge_patch(objects[i], copy, options)) deleted[i] = true;
  }
  if (std::find(deleted.begin(), deleted.end(), true) == deleted.end()) return false;
  std::vector<Object> kept;
  kept.reserve(objects.size());
  for (std::size_t i = 0; i < objects.size(); ++i) {
    if (!deleted[i]) kept.push_back(std::move(objects[i]));
  }
  objects = std::move(kept);
  return true;
}

}  // namespace sluice::render::transformers
