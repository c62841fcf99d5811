#pragma once
// The name history the builder keeps in each resource while it builds (hidden_keys.h), and the
// transformers that must record it as kustomize records it (its StorePreviousId calls): replicas,
// patch targets, generator merges and name references all match resources by earlier ids.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/object.h"
#include "render/field_spec.h"
#include "render/resource_id.h"
#include "render/transformers/name_reference.h"
#include "render/transformers/namespace_configured.h"
#include "render/transformers/patches.h"
#include "render/transformers/replicas.h"
#include "render/transformers/strategic_merge.h"

namespace sluice::render {

// The names stored so far, oldest first.
std::vector<std::string> previous_names(const Object& object);

// The namespace of the first id stored (kustomize's OrgId), or nullopt when none was.
std::optional<std::string> original_namespace(const Object& object);

// kustomize's PrevIds then CurId: each id stored (with the resource's current group and
// version, as kustomize rebuilds them), oldest first, then the current one. Patches without a
// target and generator merges find their resource by any of them.
std::vector<ResourceId> all_ids(const Object& object);

// kustomize's StorePreviousId, given the name, namespace and kind the resource had.
void store_previous_id(Object& object, const std::string& name, const std::string& namespace_,
                       const std::string& kind);

// namePrefix then nameSuffix, as kustomize's two transformers, with the kustomization's
// namePrefix and nameSuffix field specs (transformers/prefix_suffix.h): before each rename the
// name it replaces is stored (so "p-web" is a previous name of "p-web-s") with the affix added.
void rename_with_history(std::vector<Object>& objects, std::string_view prefix,
                         std::string_view suffix, const std::vector<FieldSpec>& prefix_specs,
                         const std::vector<FieldSpec>& suffix_specs);

// The namespace transformer as `config` sets it (the `namespace` field or a configured
// NamespaceTransformer), storing every resource's id first (changed or not). Does nothing for
// an empty namespace. Throws kInvalidArgument when two resources end up with the same id, as
// kustomize does.
void set_namespace_with_history(std::vector<Object>& objects,
                                const transformers::NamespaceConfig& config);

// The `namespace` field: the above with transformers::default_namespace_config(namespace_).
void set_namespace_with_history(std::vector<Object>& objects, const std::string& namespace_);

// kustomize's OrgId of each resource: its name and namespace as first stored.
std::vector<transformers::OriginalId> original_ids(const std::vector<Object>& objects);

// Every (name, namespace) stored for each resource, oldest first (kustomize's previous ResIds),
// for the selectors of replacements and vars.
std::vector<std::vector<transformers::OriginalId>> previous_ids(const std::vector<Object>& objects);

// Everything name references need, parallel to `objects`.
std::vector<transformers::NameHistory> name_histories(const std::vector<Object>& objects);

// `replicas`, matching a resource by any name it has had.
void set_replicas_by_any_name(std::vector<Object>& objects,
                              const std::vector<transformers::ReplicaCount>& replicas);

// kustomize's addHashesToNames: once the whole tree is built, each generated resource that
// wants it gets its content hash appended to its name (so overlays' merges, prefixes and labels
// are all in before the hash is taken), storing the name it had.
void add_name_hashes(std::vector<Object>& objects);

// Removes every hidden key; nothing may be printed before this.
void strip_history(Object& object);

}  // namespace sluice::render
