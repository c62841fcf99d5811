#include "render/openapi_schema.h"

#include "core/error.h"
#include "core/yaml_reader.h"

namespace sluice::render {
namespace {

constexpr std::string_view kGvkExtension = "x-kubernetes-group-version-kind";

Error invalid_schema(const std::string& why) {
  return invalid_argument("invalid custom OpenAPI schema: " + why);
}

const Json* member(const Json& node, std::string_view key) {
  if (!node.is_object()) return nullptr;
  const auto it = node.find(std::string(key));
  return it == node.end() ? nullptr : &*it;
}

const std::string* string_member(const Json& node, std::string_view key) {
  const Json* value = member(node, key);
  return value != nullptr && value->is_string() ? &value->get_ref<const std::string&>() : nullptr;
}

// kyaml's toTypeMeta on one x-kubernetes-group-version-kind entry: entries that are not maps
// are skipped; a missing or non-string version or kind crashes kyaml, and fails here.
std::optional<std::pair<std::string, std::string>> kind_of_entry(const Json& entry,
                                                                 const std::string& where) {
  if (!entry.is_object()) return std::nullopt;
  const std::string* version = string_member(entry, "version");
  const std::string* kind = string_member(entry, "kind");
  if (version == nullptr || kind == nullptr) {
    throw invalid_schema(where + ": " + std::string(kGvkExtension) +
                         " entries need a string version and kind");
  }
  const std::string* group = string_member(entry, "group");
  std::string api_version =
      group != nullptr && !group->empty() ? *group + "/" + *version : *version;
  return std::pair{std::move(api_version), *kind};
}

}  // namespace

CustomOpenApiSchema CustomOpenApiSchema::parse(std::string_view text) {
  // kyaml decodes empty bytes as JSON, which fails; YAML holding only comments is null, an
  // empty schema.
  if (text.empty()) throw invalid_schema("the file is empty");
  Json document = parse_yaml(text);
  CustomOpenApiSchema schema;
  if (document.is_null()) return schema;
  if (!document.is_object()) throw invalid_schema("the document must be a map");

  if (Json* definitions = document.contains("definitions") ? &document["definitions"] : nullptr;
      definitions != nullptr && !definitions->is_null()) {
    if (!definitions->is_object()) throw invalid_schema("'definitions' must be a map");
    schema.definitions_ = std::move(*definitions);
  }
  for (const auto& [name, definition] : schema.definitions_.items()) {
    if (!definition.is_object()) {
      throw invalid_schema("definition '" + name + "' must be a map");
    }
    const Json* kinds = member(definition, kGvkExtension);
    // kyaml indexes only a list of entries; any other value leaves the definition kind-less.
    if (kinds == nullptr || !kinds->is_array()) continue;
    for (const Json& entry : *kinds) {
      if (auto key = kind_of_entry(entry, "definition '" + name + "'")) {
        schema.definition_by_kind_[std::move(*key)] = name;
      }
    }
  }

  const Json* paths = member(document, "paths");
  if (paths == nullptr || paths->is_null()) return schema;
  if (!paths->is_object()) throw invalid_schema("'paths' must be a map");
  for (const auto& [path, operations] : paths->items()) {
    const Json* get = member(operations, "get");
    const Json* kind = get == nullptr ? nullptr : member(*get, kGvkExtension);
    if (kind == nullptr) continue;
    auto key = kind_of_entry(*kind, "path '" + path + "'");
    if (!key) continue;
    // One namespaced path makes the kind namespaced, whatever the others say.
    if (path.find("namespaces/{namespace}") != std::string::npos) {
      schema.namespaced_[std::move(*key)] = true;
    } else {
      schema.namespaced_.try_emplace(std::move(*key), false);
    }
  }
  return schema;
}

const Json* CustomOpenApiSchema::definition(std::string_view name) const {
  return member(definitions_, name);
}

const Json* CustomOpenApiSchema::definition_for_kind(std::string_view api_version,
                                                     std::string_view kind) const {
  const auto found = definition_by_kind_.find({std::string(api_version), std::string(kind)});
  return found == definition_by_kind_.end() ? nullptr : definition(found->second);
}

std::optional<bool> CustomOpenApiSchema::namespace_scoped(std::string_view api_version,
                                                          std::string_view kind) const {
  const auto found = namespaced_.find({std::string(api_version), std::string(kind)});
  if (found == namespaced_.end()) return std::nullopt;
  return found->second;
}

}  // namespace sluice::render
