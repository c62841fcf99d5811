#pragma once
// kustomize's name-reference transformer (api/filters/nameref, run by the accumulator's
// FixBackReferences): once everything is accumulated and renamed, every field that names
// another resource by an old name (a Deployment's configMap volume, a RoleBinding's roleRef
// and subjects, an HPA's scaleTargetRef...) is rewritten to that resource's current name.
#include <string>
#include <vector>

#include "core/object.h"
#include "render/field_spec.h"

namespace sluice::render::transformers {

// One entry of kustomize's nameReference config: resources of this group/version/kind (empty
// parts match anything) may be named by these fields of other resources.
struct NameBackReference {
  std::string group;
  std::string version;
  std::string kind;
  std::vector<FieldSpec> referrers;
};

// kustomize v5.5's default nameReference config, in the order kustomize applies it (it sorts
// the entries by kind like its legacy output order, which decides e.g. whether an HPA's
// scaleTargetRef goes to a renamed Deployment or to a renamed StatefulSet of the same old name).
const std::vector<NameBackReference>& default_name_references();

// That order (kustomize's Gvk.IsLessThan), for configs that add entries.
bool name_reference_less(const NameBackReference& a, const NameBackReference& b);

// What kustomize remembers of a resource's past in its build annotations.
struct NameHistory {
  // The names stored at kustomize's StorePreviousId calls, each once, in the order first stored
  // (a namespace transformer and `patches` store the name even when it does not change). A
  // resource with no previous names is never a referral: nothing refers to it by another name.
  std::vector<std::string> previous_names;
  // The namespace as first loaded ("" when absent): kustomize's OrgId namespace.
  std::string original_namespace;
  // The non-empty namePrefix and nameSuffix values applied to it, innermost kustomization first.
  std::vector<std::string> prefixes;
  std::vector<std::string> suffixes;
};

// Rewrites the name references in `objects` (with `history` parallel to it) as kustomize does:
// a field naming a resource by one of its previous names gets its current name, chosen among
// the resources that could be referred to (same namespace, cluster-scoped ones, and for a
// RoleBinding those in its ServiceAccount subjects' namespaces). Several candidates are narrowed
// to the referrer's namespace, then to those with the same prefixes and suffixes; a map field
// (RoleBinding subjects, webhook clientConfig.service) also gets the referral's namespace.
// Throws kInvalidArgument with kustomize's "found multiple possible referrals" message when
// candidates with different names remain, and when a map field has no `name`.
void fix_name_references(std::vector<Object>& objects, const std::vector<NameHistory>& history,
                         const std::vector<NameBackReference>& config = default_name_references());

}  // namespace sluice::render::transformers
