#pragma once
// Top-level keys the builder keeps in each resource's JSON while it builds (kustomize keeps
// the same facts in internal annotations). The \x01 prefix cannot come from YAML a user wrote
// as a plain key; render::build() removes them all before anything is printed, and
// transformers that walk whole resources must skip them.
#include <string_view>

namespace sluice::render {

// The (name, namespace) pair at each of kustomize's StorePreviousId calls, oldest first
// ([[name, namespace], ...]; its previous-ids build annotations): prefix, suffix and the name
// hash store it when they rename a resource, a namespace transformer and `patches` even when
// the name does not change. The first is kustomize's OrgId. replicas, patch targets, generator
// merges, name references, replacements and vars match resources by them; read them through
// name_history.h.
inline constexpr std::string_view kPreviousIdsKey = "\x01sluice/previousIds";

// The namePrefix and nameSuffix values a resource got, innermost kustomization first (name
// references prefer candidates with the referrer's).
inline constexpr std::string_view kNamePrefixesKey = "\x01sluice/namePrefixes";
inline constexpr std::string_view kNameSuffixesKey = "\x01sluice/nameSuffixes";

// Set (true) on a generated ConfigMap or Secret whose name gets kustomize's content hash
// appended at the end of the build (kustomize's needs-hash build annotation).
inline constexpr std::string_view kNeedsHashKey = "\x01sluice/needsHash";

// The vars bound to a resource at the end of the kustomization that declared them; removed by
// resolve_vars (transformers/vars.h).
inline constexpr std::string_view kBoundVarsKey = "\x01sluice/vars";

}  // namespace sluice::render
