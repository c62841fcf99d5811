#pragma once
// Top-level keys the builder keeps in each resource's JSON while it builds (kustomize keeps
// the same facts in internal annotations). The \x01 prefix cannot come from YAML a user wrote
// as a plain key; render::build() removes them all before anything is printed, and
// transformers that walk whole resources must skip them.
#include <string_view>

namespace sluice::render {

// The name at each of kustomize's StorePreviousId calls, oldest first (its previous-names
// build annotation): prefix, suffix and the name hash store it when they rename a resource, a
// namespace transformer and `patches` even when the name does not change. replicas, patch
// targets and name references match them.
inline constexpr std::string_view kPreviousNamesKey = "\x01sluice/previousNames";

// The (name, namespace) pair at each of those calls ([[name, namespace], ...]): replacements
// and vars select a resource by any id it has had.
inline constexpr std::string_view kPreviousIdsKey = "\x01sluice/previousIds";

// The namespace at the first of them: kustomize's OrgId is the first id it stored.
inline constexpr std::string_view kOriginalNamespaceKey = "\x01sluice/originalNamespace";

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
