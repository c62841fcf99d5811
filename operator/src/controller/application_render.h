#pragma once

// The render phase's steps (controller/application_reconciler.h), as free functions so that
// `sluice diff` (cli/diff_command.h) renders exactly what the operator would apply: the same
// build, substitution, target namespace, scopes and ownership labels.
//
//   read_substitutions   the variables of spec.postBuild (substituteFrom, then substitute)
//   render_manifests     kustomize build of a folder, substitution, spec.targetNamespace
//   prepare_manifests    namespaces by scope, the Application's ownership labels

#include <filesystem>
#include <string>
#include <vector>

#include "api/application.h"
#include "core/object.h"
#include "kube/client.h"
#include "kube/discovery.h"

namespace sluice::controller {

// spec.path inside the artifact `root`: "./apps/x", "apps/x" and "/apps/x" all name the same
// folder. Throws Error(kPermissionDenied) for a path that leaves the root.
std::filesystem::path folder_in(const std::filesystem::path& root, const std::string& path);

// The postBuild variables of `spec` for an Application of namespace `ns`: every key of each
// substituteFrom ConfigMap or Secret (read with `client`, in that order; a missing optional one
// is skipped), then spec.postBuild.substitute, which wins. Throws what the reads throw (with
// the reference as context) and kInvalidArgument for an invalid variable name. The values are
// secrets: never log them.
StringMap read_substitutions(const kube::Client& client, const std::string& ns,
                             const api::ApplicationSpec& spec);

// kustomize build of `dir`, reading nothing outside `root`, then postBuild substitution of
// `variables` and spec.targetNamespace. Blocking (file I/O and CPU, with deep recursion): the
// operator runs it on a blocking-pool thread. Throws the renderer's errors.
std::vector<Object> render_manifests(const std::filesystem::path& root,
                                     const std::filesystem::path& dir,
                                     const api::ApplicationSpec& spec, const StringMap& variables);

// Readies rendered objects for apply by `application`: cluster-scoped kinds lose their
// namespace, namespaced ones without one get the Application's, and every object gets the
// ownership labels (api/group.h). Scopes come from `mapper`, or from a CRD among `objects`
// (not served yet); an unknown kind counts as namespaced (its apply says what is wrong).
// Throws kInvalidArgument for an object without apiVersion, kind or metadata.name.
void prepare_manifests(kube::RestMapper& mapper, const Object& application,
                       std::vector<Object>& objects);

}  // namespace sluice::controller
