#pragma once
// kustomize's buildMetadata: originAnnotations (config.kubernetes.io/origin: the file a
// resource came from, or the generator that made it), transformerAnnotations
// (alpha.config.kubernetes.io/transformations: every builtin transformer configured in a
// kustomization that ran over the resource, in order) and managedByLabel
// (app.kubernetes.io/managed-by).
//
// As in kustomize, only the top kustomization's buildMetadata counts (sub-kustomizations
// inherit it), origins are tracked whenever it lists anything (the annotations then exist
// during the build, where selectors can see them) and removed at the end unless asked for, and
// unknown values are ignored.
#include <string>
#include <string_view>
#include <vector>

#include "core/object.h"

namespace sluice::render {

inline constexpr std::string_view kOriginAnnotation = "config.kubernetes.io/origin";
inline constexpr std::string_view kTransformationsAnnotation =
    "alpha.config.kubernetes.io/transformations";
inline constexpr std::string_view kManagedByLabel = "app.kubernetes.io/managed-by";
// What kubectl's built-in kustomize writes there (its version is "(devel)"); sluice matches the
// reference byte for byte.
inline constexpr std::string_view kManagedByValue = "kustomize-(devel)";

struct BuildMetadata {
  bool track_origins = false;  // any value given
  bool origin_annotations = false;
  bool transformer_annotations = false;
  bool managed_by_label = false;

  static BuildMetadata from(const std::vector<std::string>& values);
};

// Where a resource came from, or which builtin generator or transformer configured in which
// kustomization file, as kustomize's resource.Origin: paths are relative to the top
// kustomization's directory.
struct Origin {
  std::string path;
  std::string configured_in;
  std::string configured_by;  // a builtin kind: "ConfigMapGenerator", "PrefixTransformer", ...
  // The rest of configuredBy for a plugin configured by a config document (`generators:`,
  // `transformers:`): that document's apiVersion (else "builtin"), name and namespace.
  std::string configured_by_api_version;
  std::string configured_by_name;
  std::string configured_by_namespace;

  static Origin of_file(std::string path);
  static Origin of_builtin(std::string kustomization_file, std::string kind);

  // The annotation value kustomize writes: "path: x\n", or "configuredIn: ...\n
  // configuredBy:\n  apiVersion: builtin\n  kind: ...\n".
  std::string to_yaml() const;
};

// kustomize's AddOriginAnnotation: sets the origin of a resource that has none yet.
void set_origin_if_absent(Object& object, const Origin& origin);

// kustomize's AddTransformerAnnotation, `times` over: each resource with an origin gets the
// transformer's origin appended to its transformations; one without gets it as its origin.
void record_transformation(std::vector<Object>& objects, const Origin& transformer,
                           std::size_t times = 1);

// The end of a build with buildMetadata: the managed-by label if asked for, and the origin
// and transformation annotations removed unless asked for.
void finish_build_metadata(std::vector<Object>& objects, const BuildMetadata& metadata);

}  // namespace sluice::render
