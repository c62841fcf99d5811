#pragma once
// Top-level keys the builder keeps in each resource's JSON while it builds (kustomize keeps
// the same facts in internal annotations). The \x01 prefix cannot come from YAML a user wrote
// as a plain key; render::build() removes them all before anything is printed, and
// transformers that walk whole resources must skip them. Each key is at most 15 bytes, so
// libstdc++ keeps it inside the string object instead of allocating it (one allocation saved
// per key and resource).
#include <string>
#include <string_view>

namespace sluice::render {

// What every hidden key starts with. Resources that already carry such a top-level key (which
// only a quoted YAML key can spell) are refused when they are read (render/resources.h).
inline constexpr char kHiddenKeyPrefix = '\x01';

// A hidden key as error messages show it: "\x01previousIds" with the prefix spelled out.
inline std::string printable_hidden_key(std::string_view key) {
  return "\\x01" + std::string(key.substr(1));
}

// The (name, namespace, kind) at each of kustomize's StorePreviousId calls, oldest first (its
// previous-ids build annotations), packed into one string as name, namespace, kind, name, ...:
// prefix, suffix and the name hash store it when they rename a resource, a namespace transformer
// and `patches` even when the name does not change, a patch allowed to rename before it runs.
// The first is kustomize's OrgId. replicas, patch targets, generator merges, name references,
// replacements and vars match resources by them; read them through name_history.h.
inline constexpr std::string_view kPreviousIdsKey = "\x01previousIds";

// The namePrefix and nameSuffix values a resource got, innermost kustomization first (name
// references prefer candidates with the referrer's), packed into one string each.
inline constexpr std::string_view kNamePrefixesKey = "\x01namePrefixes";
inline constexpr std::string_view kNameSuffixesKey = "\x01nameSuffixes";

// Set (true) on a generated ConfigMap or Secret whose name gets kustomize's content hash
// appended at the end of the build (kustomize's needs-hash build annotation).
inline constexpr std::string_view kNeedsHashKey = "\x01needsHash";

// The vars bound to a resource at the end of the kustomization that declared them; removed by
// resolve_vars (transformers/vars.h).
inline constexpr std::string_view kBoundVarsKey = "\x01vars";

}  // namespace sluice::render
