#include "render/transformers/strategic_merge_schema.h"

#include <algorithm>
#include <iterator>
#include <set>

#include "core/error.h"

namespace sluice::render::transformers::smp {
namespace {

struct SchemaField {
  std::string_view definition;
  std::string_view field;
  std::string_view value_definition;
  bool is_list;
  std::string_view strategy;
  std::string_view keys;
};

struct SchemaKind {
  std::string_view api_version;
  std::string_view kind;
  std::string_view definition;
};

#include "render/transformers/strategic_merge_schema.inc"

// The generator sorts rows by their printed form, which is not (definition, field) order once
// quotes and commas take part; look rows up linearly over the definition's block instead.
const SchemaField* find_field(std::string_view definition, std::string_view field) {
  const SchemaField* wildcard = nullptr;
  for (const SchemaField& row : kSchemaFields) {
    if (row.definition != definition) continue;
    if (row.field == field) return &row;
    if (row.field == "*") wildcard = &row;
  }
  return wildcard;
}

std::vector<std::string> split_keys(std::string_view keys) {
  std::vector<std::string> out;
  while (!keys.empty()) {
    const std::size_t comma = keys.find(',');
    out.emplace_back(keys.substr(0, comma));
    if (comma == std::string_view::npos) break;
    keys.remove_prefix(comma + 1);
  }
  return out;
}

// kyaml follows $ref until it reaches a schema without one; a loop would never end there.
constexpr std::size_t kMaxRefHops = 1'000;

// The built-in table's own spelling of `definition` (NodeSchema keeps views of it), or empty
// when the table has no rows for it: nothing mergeable below.
std::string_view builtin_definition(std::string_view definition) {
  const auto found =
      std::find_if(std::begin(kSchemaFields), std::end(kSchemaFields),
                   [&](const SchemaField& row) { return row.definition == definition; });
  return found == std::end(kSchemaFields) ? std::string_view() : found->definition;
}

const Json* member(const Json& node, std::string_view key) {
  if (!node.is_object()) return nullptr;
  const auto it = node.find(std::string(key));
  return it == node.end() ? nullptr : &*it;
}

// A JSON pointer token with ~1 and ~0 unescaped.
std::string pointer_token(std::string_view token) {
  std::string out;
  for (std::size_t i = 0; i < token.size(); ++i) {
    if (token[i] == '~' && i + 1 < token.size() && (token[i + 1] == '1' || token[i + 1] == '0')) {
      out += token[i + 1] == '1' ? '/' : '~';
      ++i;
    } else {
      out += token[i];
    }
  }
  return out;
}

std::vector<std::string> pointer_tokens(std::string_view pointer) {
  std::vector<std::string> tokens;
  while (!pointer.empty()) {
    pointer.remove_prefix(1);  // the '/'
    const std::size_t slash = pointer.find('/');
    tokens.push_back(pointer_token(pointer.substr(0, slash)));
    if (slash == std::string_view::npos) break;
    pointer.remove_prefix(slash);
  }
  return tokens;
}

bool custom_first(const OpenApiLayers& layers) {
  return layers.custom != nullptr && !(layers.builtin && layers.builtin_wins);
}

// The custom definition `name` resolves to under `layers`, or nullptr when the built-in one
// (or none) does.
const Json* custom_definition(std::string_view name, const OpenApiLayers& layers) {
  if (layers.custom == nullptr) return nullptr;
  const Json* definition = layers.custom->definition(name);
  if (definition == nullptr) return nullptr;
  if (!custom_first(layers) && !builtin_definition(name).empty()) return nullptr;
  return definition;
}

Error invalid_extension(const char* what) {
  return invalid_argument(std::string("invalid custom OpenAPI schema: ") + what);
}

}  // namespace

std::optional<NodeSchema> NodeSchema::for_kind(std::string_view api_version,
                                               std::string_view kind) {
  OpenApiState* state = active_openapi();
  const OpenApiLayers layers = state != nullptr ? state->layers() : OpenApiLayers{};
  const auto custom = [&]() -> std::optional<NodeSchema> {
    if (layers.custom == nullptr) return std::nullopt;
    // kyaml indexes the definition itself: a $ref at its top is not followed.
    const Json* definition = layers.custom->definition_for_kind(api_version, kind);
    if (definition == nullptr) return std::nullopt;
    return of_custom(*definition, layers, false);
  };
  const auto builtin = [&]() -> std::optional<NodeSchema> {
    if (!layers.builtin) return std::nullopt;
    const auto found = std::find_if(
        std::begin(kSchemaKinds), std::end(kSchemaKinds),
        [&](const SchemaKind& row) { return row.api_version == api_version && row.kind == kind; });
    if (found == std::end(kSchemaKinds)) return std::nullopt;
    return of_builtin(found->definition, layers);
  };
  if (custom_first(layers)) {
    if (auto schema = custom()) return schema;
    return builtin();
  }
  if (auto schema = builtin()) return schema;
  return custom();
}

NodeSchema NodeSchema::of_builtin(std::string_view definition, const OpenApiLayers& layers) {
  NodeSchema schema;
  schema.layers_ = layers;
  schema.definition_ = definition;
  return schema;
}

std::optional<NodeSchema> NodeSchema::of_definition(std::string_view name,
                                                    const OpenApiLayers& layers) {
  if (const Json* definition = custom_definition(name, layers)) {
    return of_custom(*definition, layers);
  }
  if (!layers.builtin) return std::nullopt;
  return of_builtin(builtin_definition(name), layers);
}

std::optional<NodeSchema> NodeSchema::of_custom(const Json& start, const OpenApiLayers& layers,
                                                bool follow_refs) {
  const Json* node = &start;
  std::set<const Json*> seen;
  for (const Json* ref = follow_refs ? member(*node, "$ref") : nullptr;
       ref != nullptr && ref->is_string() && !ref->get_ref<const std::string&>().empty();
       ref = member(*node, "$ref")) {
    if (!seen.insert(node).second || seen.size() > kMaxRefHops) {
      throw invalid_argument("invalid custom OpenAPI schema: $ref '" + ref->get<std::string>() +
                             "' loops (kustomize would never finish)");
    }
    // Only the fragment counts, against the loaded definitions; an empty one is the root
    // schema, which has nothing mergeable.
    const std::string& text = ref->get_ref<const std::string&>();
    const std::size_t hash = text.find('#');
    const std::string_view pointer =
        hash == std::string::npos ? std::string_view() : std::string_view(text).substr(hash + 1);
    if (pointer.empty()) return of_builtin({}, layers);
    if (pointer.front() != '/') return std::nullopt;
    const std::vector<std::string> tokens = pointer_tokens(pointer);
    if (tokens.size() < 2 || tokens[0] != "definitions") return std::nullopt;
    const Json* definition = custom_definition(tokens[1], layers);
    if (definition == nullptr) {
      // A built-in definition: the table has only whole definitions to offer.
      if (!layers.builtin || tokens.size() > 2) return std::nullopt;
      return of_builtin(builtin_definition(tokens[1]), layers);
    }
    node = definition;
    for (std::size_t i = 2; i < tokens.size() && node != nullptr; ++i) {
      if (node->is_array()) {
        // An array index token: digits only; anything else (or too long) matches nothing.
        std::size_t index = tokens[i].empty() || tokens[i].size() > 9 ? node->size() : 0;
        for (const char c : tokens[i]) {
          if (c < '0' || c > '9') index = node->size();
          if (index < node->size()) index = index * 10 + static_cast<std::size_t>(c - '0');
        }
        node = index < node->size() ? &(*node)[index] : nullptr;
      } else {
        node = member(*node, tokens[i]);
      }
    }
    if (node == nullptr) return std::nullopt;
  }
  NodeSchema schema;
  schema.layers_ = layers;
  schema.custom_ = node;
  // kyaml reads the merge keys only when there is a strategy, and crashes on wrong types when
  // it walks a list with this schema; sluice fails then too (merges_list).
  const Json* strategy = member(*node, "x-kubernetes-patch-strategy");
  if (strategy == nullptr) return schema;
  const Json* key = member(*node, "x-kubernetes-patch-merge-key");
  const Json* map_keys = member(*node, "x-kubernetes-list-map-keys");
  if (!strategy->is_string() || (key != nullptr && !key->is_string())) {
    schema.invalid_ =
        "x-kubernetes-patch-strategy and x-kubernetes-patch-merge-key must be strings";
    return schema;
  }
  schema.strategy_ = strategy->get_ref<const std::string&>();
  if (map_keys != nullptr) {
    if (!map_keys->is_array() || !std::all_of(map_keys->begin(), map_keys->end(),
                                              [](const Json& k) { return k.is_string(); })) {
      schema.invalid_ = "x-kubernetes-list-map-keys must be a list of strings";
      return schema;
    }
    for (const Json& map_key : *map_keys) schema.keys_.push_back(map_key.get<std::string>());
  } else if (key != nullptr) {
    schema.keys_.push_back(key->get<std::string>());
  }
  return schema;
}

std::optional<NodeSchema> NodeSchema::field(std::string_view name) const {
  if (custom_ != nullptr) {
    const Json* properties = member(*custom_, "properties");
    const Json* property = properties != nullptr ? member(*properties, name) : nullptr;
    if (property == nullptr) {
      const Json* additional = member(*custom_, "additionalProperties");
      if (additional == nullptr || !additional->is_object()) return std::nullopt;
      property = additional;
    }
    return of_custom(*property, layers_);
  }
  NodeSchema schema = of_builtin({}, layers_);
  if (definition_.empty()) return schema;
  const SchemaField* row = find_field(definition_, name);
  if (row == nullptr) return schema;
  if (row->is_list) {
    schema.element_definition_ = row->value_definition;
    schema.strategy_ = row->strategy;
    schema.keys_ = split_keys(row->keys);
    return schema;
  }
  if (row->value_definition.empty()) return schema;
  return of_definition(row->value_definition, layers_);
}

std::optional<NodeSchema> NodeSchema::elements() const {
  if (custom_ != nullptr) {
    // kyaml: only a schema typed exactly "array" has elements.
    const Json* type = member(*custom_, "type");
    const bool array = type != nullptr && ((type->is_string() && *type == "array") ||
                                           (type->is_array() && type->size() == 1 &&
                                            (*type)[0].is_string() && (*type)[0] == "array"));
    const Json* items = member(*custom_, "items");
    if (!array || items == nullptr || items->is_null()) return std::nullopt;
    if (!items->is_object()) {
      throw invalid_extension("'items' of a list must be one schema (kustomize crashes otherwise)");
    }
    return of_custom(*items, layers_);
  }
  if (element_definition_.empty()) return of_builtin({}, layers_);
  return of_definition(element_definition_, layers_);
}

bool NodeSchema::merges_list() const {
  if (!invalid_.empty()) throw invalid_extension(invalid_.data());
  for (const std::string& strategy : split_keys(strategy_)) {
    if (strategy == "merge") return true;
  }
  return false;
}

}  // namespace sluice::render::transformers::smp
