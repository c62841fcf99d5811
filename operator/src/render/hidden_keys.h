#pragma once
// Top-level keys the builder keeps in each resource's JSON while it builds (kustomize keeps
// the same facts in internal annotations). The \x01 prefix cannot come from YAML a user wrote
// as a plain key; render::build() removes them all before anything is printed, and
// transformers that walk whole resources must skip them.
#include <string_view>

namespace sluice::render {

// The names a resource had before prefixes, suffixes, patches or the name hash changed it,
// oldest first (kustomize's previous-names build annotation): replicas, patch targets and name
// references match them.
inline constexpr std::string_view kPreviousNamesKey = "\x01sluice/previousNames";

// The namespace a resource had before a namespace transformer first changed it.
inline constexpr std::string_view kOriginalNamespaceKey = "\x01sluice/originalNamespace";

// Set (true) on a generated ConfigMap or Secret whose name gets kustomize's content hash
// appended at the end of the build (kustomize's needs-hash build annotation).
inline constexpr std::string_view kNeedsHashKey = "\x01sluice/needsHash";

}  // namespace sluice::render
