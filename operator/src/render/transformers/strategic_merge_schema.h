#pragma once
// The part of the Kubernetes OpenAPI schema that kustomize v5.5 consults when it merges a
// strategic merge patch (kyaml's built-in schema, Kubernetes v1.21.2): which lists merge by
// key and by which keys. Generated into strategic_merge_schema.inc by
// scripts/smp-schema/generate.sh.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::render::transformers::smp {

// The schema of one node while walking a resource. kyaml distinguishes "no schema" (custom
// resources: lists are replaced, nested objects with apiVersion and kind are looked up again)
// from "a schema without mergeable lists below" (kOpaque).
class NodeSchema {
 public:
  // The schema of a resource of this kind, or nullopt when kustomize has none (CRDs).
  static std::optional<NodeSchema> for_kind(std::string_view api_version, std::string_view kind);

  // The schema of a map field ("*" rows stand for map values); never nullopt for a known
  // definition: fields the table leaves out have nothing mergeable below them.
  NodeSchema field(std::string_view name) const;
  // The schema of a list's elements.
  NodeSchema elements() const;

  // Whether a list merges by key (x-kubernetes-patch-strategy contains "merge").
  bool merges_list() const;
  // x-kubernetes-list-map-keys, else x-kubernetes-patch-merge-key; empty for primitive lists.
  const std::vector<std::string>& merge_keys() const { return keys_; }

 private:
  std::string_view definition_;          // fields of a map node; empty: nothing mergeable
  std::string_view element_definition_;  // for a list node
  std::string_view strategy_;
  std::vector<std::string> keys_;
};

}  // namespace sluice::render::transformers::smp
