#pragma once
// kustomize's deprecated `vars`: $(NAME) in selected fields becomes a field of a named
// resource, read once the whole build is done (kustomize's ResAccumulator.ResolveVars).
//
// A var is bound to its resource at the end of the kustomization that declares it, by any of
// the resource's ids then (so a var can name a resource before or after that kustomization's
// prefix, but not by a name an overlay gives it later); the value is the bound resource's field
// at the end of the build. Vars are replaced only in the varReference fields (kustomize's
// defaults: container args, command, env values, ..., metadata labels and annotations, plus
// those of `configurations` files); `$$` escapes a
// `$`, and an unknown $(X) is left as it is. A string that is exactly "$(NAME)" takes the
// value's type (an int stays an int); inside a longer string the value is printed as text.
#include <string>
#include <vector>

#include "core/object.h"
#include "render/field_spec.h"
#include "render/transformers/patches.h"

namespace sluice::render::transformers {

// One entry of `vars` (kustomize's types.Var).
struct Var {
  std::string name;
  // objref: apiVersion, or group and version, must match the resource's exactly.
  std::string group;
  std::string version;
  std::string kind;
  std::string object_name;
  std::string namespace_;  // empty: any
  std::string field_path;  // empty: metadata.name
};

// kustomize's default varReference field specs (api/internal/konfig/builtinpluginconsts), in
// the order of its table.
const std::vector<FieldSpec>& var_reference_field_specs();

// Reads a kustomization's `vars` list; errors like kustomize's decoder.
std::vector<Var> parse_vars(const Json& value);

// Adds `incoming` to `all`, refusing a name already there ("var 'X' already encountered").
void merge_vars(std::vector<Var>& all, const std::vector<Var>& incoming);

// Binds each var of one kustomization to the resource it names among `objects` (by current or
// `previous_ids` name and namespace, parallel to `objects`), remembering the binding inside the
// resource until resolve_vars. More than one match is an error; none is left for resolve_vars
// to report.
void bind_vars(std::vector<Object>& objects, const std::vector<Var>& vars,
               const std::vector<std::vector<OriginalId>>& previous_ids);

// Replaces every $(NAME) of `vars` in the fields `field_specs` select in `objects` (the top
// kustomization's varReference list), spec by spec, and removes the bindings. Vars whose value
// could not be read are errors worded as kustomize's; vars never used are reported in `warnings`
// (when given) as kustomize logs them, sorted by name (kustomize lists them in Go's random map
// order).
void resolve_vars(std::vector<Object>& objects, const std::vector<Var>& vars,
                  const std::vector<FieldSpec>& field_specs, std::vector<std::string>* warnings);

}  // namespace sluice::render::transformers
