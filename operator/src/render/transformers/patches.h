#pragma once
// kustomize's JSON 6902 patches: the `patchesJson6902` field (PatchJson6902Transformer) and
// `patches` entries whose body is a JSON 6902 operation list (PatchTransformer), with
// kustomize's target selectors.
#include <string>
#include <string_view>
#include <vector>

#include "core/object.h"

namespace sluice::render::transformers {

// kustomize's types.Selector. Group, version, kind, name and namespace are regular
// expressions anchored at both ends ("^(?:" + x + ")$"); empty ones match anything.
// Selectors use Kubernetes label selector syntax ("app=web,tier in (a,b),!legacy").
struct PatchTarget {
  std::string group;
  std::string version;
  std::string kind;
  std::string name;
  std::string namespace_;
  std::string label_selector;
  std::string annotation_selector;
};

// A resource's id as first loaded (kustomize's OrgId): targets match its name and namespace
// as well as the current ones.
struct OriginalId {
  std::string name;
  std::string namespace_;
};

// Whether `labels` satisfy a Kubernetes label selector (=, ==, !=, in, notin, exists, !key).
// Throws kInvalidArgument for a malformed selector.
bool matches_label_selector(std::string_view selector, const StringMap& labels);

// Indices of the objects `target` selects. `original`, when given, runs parallel to `objects`.
std::vector<std::size_t> select_targets(const std::vector<Object>& objects,
                                        const PatchTarget& target,
                                        const std::vector<OriginalId>* original = nullptr);

// Reads a JSON 6902 patch as kustomize does: JSON when the text starts with '[', else YAML.
// Throws kInvalidArgument unless the result is a non-empty list of operation maps.
Json parse_json6902(std::string_view text);

// Whether a `patches` body is a JSON 6902 patch (a list) rather than a strategic merge patch.
bool is_json6902(std::string_view text);

// Applies `operations` (RFC 6902: add, remove, replace, move, copy, test, with kustomize's
// departures: json_patch.h) to each selected object, in order. Afterwards, like kustomize,
// metadata.annotations is rewritten as a string map (metadata_maps.h). Throws kInvalidArgument
// when an operation fails.
void apply_json6902(std::vector<Object>& objects, const std::vector<std::size_t>& selected,
                    const Json& operations);

}  // namespace sluice::render::transformers
