#pragma once
// The part of the Kubernetes OpenAPI schema that kustomize v5.5 consults when it merges a
// strategic merge patch (kyaml's built-in schema, Kubernetes v1.21.2): which lists merge by
// key and by which keys. Generated into strategic_merge_schema.inc by
// scripts/smp-schema/generate.sh.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "render/openapi_state.h"

namespace sluice::render::transformers::smp {

// The schema of one node while walking a resource. kyaml distinguishes "no schema" (custom
// resources: lists are replaced, nested objects with apiVersion and kind are looked up again)
// from "a schema without mergeable lists below" (kOpaque).
//
// A node comes from the built-in table or, when the build declares a custom schema
// (render/openapi_state.h), from that schema's definitions; $ref names resolve against both,
// the one kustomize loaded last winning.
class NodeSchema {
 public:
  // The schema of a resource of this kind, or nullopt when kustomize has none (CRDs without a
  // custom schema). Loads the active build's schema (kyaml's initSchema).
  static std::optional<NodeSchema> for_kind(std::string_view api_version, std::string_view kind);

  // The schema of a map field ("*" rows stand for map values). Built-in definitions never give
  // nullopt: fields the table leaves out have nothing mergeable below them. Custom ones give
  // nullopt, as kyaml does, for a field without properties or additionalProperties entry.
  // Throws kInvalidArgument for a $ref loop in a custom schema.
  std::optional<NodeSchema> field(std::string_view name) const;
  // The schema of a list's elements; nullopt for a custom schema not typed `array` or without
  // `items`.
  std::optional<NodeSchema> elements() const;

  // Whether a list merges by key (x-kubernetes-patch-strategy contains "merge").
  bool merges_list() const;
  // x-kubernetes-list-map-keys, else x-kubernetes-patch-merge-key; empty for primitive lists.
  const std::vector<std::string>& merge_keys() const { return keys_; }

 private:
  // A node of the custom schema ($ref resolved), or of the built-in table when null.
  const Json* custom_ = nullptr;
  OpenApiLayers layers_;
  std::string_view definition_;          // fields of a map node; empty: nothing mergeable
  std::string_view element_definition_;  // for a list node
  std::string_view strategy_;
  std::vector<std::string> keys_;
  // Why a custom list schema's merge extensions are unusable; empty when they are fine.
  std::string_view invalid_;

  static std::optional<NodeSchema> of_definition(std::string_view name,
                                                 const OpenApiLayers& layers);
  // `node`, its $ref followed unless `follow_refs` is false (kyaml's schema of a kind).
  static std::optional<NodeSchema> of_custom(const Json& node, const OpenApiLayers& layers,
                                             bool follow_refs = true);
  static NodeSchema of_builtin(std::string_view definition, const OpenApiLayers& layers);
};

}  // namespace sluice::render::transformers::smp
