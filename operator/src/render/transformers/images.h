#pragma once
// kustomize's ImageTagTransformer as configured by `images`.
#include <string>
#include <vector>

#include "core/object.h"
#include "render/field_spec.h"

namespace sluice::render::transformers {

// One entry of a kustomization's `images` (kustomize's types.Image).
struct ImageOverride {
  // Matched against the image reference up to its tag and digest; kustomize uses it as a
  // regular expression, unescaped ("^" + name + "(:tag)?(@sha256:digest)?$").
  std::string name;
  std::string new_name;
  std::string new_tag;
  std::string digest;
  // Appended to the existing tag when neither new_tag nor digest is given (drops the digest).
  std::string tag_suffix;
};

// Splits an image reference into name, tag and digest as kustomize's image.Split does: a ':'
// or '@' before the first '/' belongs to the registry host (its port).
struct ImageParts {
  std::string name;
  std::string tag;
  std::string digest;
};
ImageParts split_image(std::string_view image);

// Applies each override in order, as kustomize runs one ImageTagTransformer per entry. Each
// runs two passes, like kustomize v5.5: first every `image` of every element of any list
// named `containers` or `initContainers` anywhere in the resource, then the images field specs
// (spec/containers, spec/initContainers and their spec/template/spec forms). An image both
// passes reach is thus updated twice, which only shows with tag_suffix (kustomize appends it
// twice there). CustomResourceDefinitions are left alone. A containers element that is not a
// map, or an image that is a map or list, is an error, as in kustomize.
// `specs` replaces the default field specs when a kustomization's TransformerConfig has more.
const std::vector<FieldSpec>& image_field_specs();
void set_images(std::vector<Object>& objects, const std::vector<ImageOverride>& images,
                const std::vector<FieldSpec>& specs = image_field_specs());

}  // namespace sluice::render::transformers
