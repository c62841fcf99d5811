#pragma once
// Flux's postBuild variable substitution (Kustomization.spec.postBuild.substitute, and
// `sluice build --substitute KEY=VALUE`): after the build, each resource is printed as YAML,
// expanded with envsubst's grammar (render/envsubst.h) and read back, so a substituted
// `replicas: ${REPLICAS}` becomes a number, as in Flux.
//
// As in Flux: nothing happens without variables; names must match
// ^[_[:alpha:]][_[:alpha:][:digit:]]*$; line breaks are removed from values; unset variables
// expand to ""; a resource labelled or annotated `kustomize.toolkit.fluxcd.io/substitute:
// disabled` (or sluice's own `sluice.dev/substitute: disabled`) is left alone.
//
// One known difference: Flux reads the substituted text back with YAML 1.1 rules, so a value
// such as `on` or `yes` substituted into a plain scalar becomes a boolean there and stays a
// string here.
#include <vector>

#include "core/object.h"

namespace sluice::render {

// Throws Error(kInvalidArgument) naming the first invalid variable name.
void validate_variable_names(const StringMap& variables);

// Substitutes `variables` into every resource. Throws Error(kInvalidArgument) naming the
// resource whose text cannot be expanded or no longer reads as a resource.
void substitute_variables(std::vector<Object>& resources, const StringMap& variables);

}  // namespace sluice::render
