#pragma once
// A custom OpenAPI schema named by a kustomization's `openapi: {path: FILE}`: swagger 2
// `definitions` (and `paths`) in JSON or YAML, read the way kyaml's openapi package indexes
// them. kustomize consults it for two things: how strategic merge patches merge lists
// (x-kubernetes-patch-strategy, x-kubernetes-patch-merge-key, x-kubernetes-list-map-keys on
// the schemas reached from a kind's definition through properties, additionalProperties, items
// and $ref), and whether a kind it does not know is cluster-scoped (a `paths` entry whose GET
// names the kind in x-kubernetes-group-version-kind and has no "namespaces/{namespace}").
//
// The file is untrusted: parsing is bounded by the YAML reader's limits (size, depth, aliases)
// and everything below is indexed once; $ref chains are followed by the merge walker, which
// refuses loops (strategic_merge_schema.cpp).
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/json.h"

namespace sluice::render {

class CustomOpenApiSchema {
 public:
  // Parses the file's text. Throws kInvalidArgument where kyaml fails (it panics with
  // "invalid schema file"): text that is not a map, `definitions` or `paths` that are not
  // maps, a group-version-kind entry without a string version or kind; kResourceExhausted
  // over the YAML reader's limits.
  static CustomOpenApiSchema parse(std::string_view text);

  // The definition named `name` (the NAME of "#/definitions/NAME"), or nullptr.
  const Json* definition(std::string_view name) const;
  // The definition whose x-kubernetes-group-version-kind lists this apiVersion and kind, or
  // nullptr. When several do, the last in the file wins.
  const Json* definition_for_kind(std::string_view api_version, std::string_view kind) const;
  // Whether `paths` declares the kind namespaced (true) or cluster-scoped (false); nullopt when
  // no GET path names it.
  std::optional<bool> namespace_scoped(std::string_view api_version, std::string_view kind) const;

 private:
  using KindKey = std::pair<std::string, std::string>;  // apiVersion, kind
  Json definitions_ = Json::object();
  std::map<KindKey, std::string> definition_by_kind_;
  std::map<KindKey, bool> namespaced_;
};

}  // namespace sluice::render
