#pragma once
// The container images a revision deploys: every `image` of every container (see pod_specs.h)
// in the rendered manifests, normalised (image_reference.h) and de-duplicated, so "nginx" and
// "docker.io/library/nginx:latest" are one image, checked once.

#include <optional>
#include <string>
#include <vector>

#include "core/image_reference.h"
#include "core/object.h"

namespace sluice::policy {

struct ImageUse {
  std::string written;                      // as the first manifest using it spells it
  std::optional<ImageReference> reference;  // nullopt when it is not a valid reference
  std::string problem;                      // why not, when reference is nullopt
  std::string object;                       // the first object using it, "Deployment/shop/web"
  std::string field;                        // "spec.template.spec.containers[0].image"
  std::size_t uses = 0;                     // how many containers use it

  // "image docker.io/library/nginx:1.25", the Violation::object for image violations.
  std::string description() const;
};

// "Kind/namespace/name", or "Kind/name" without a namespace.
std::string describe_object(const Object& object);

// In first-use order. A container whose `image` is absent is skipped (the API server refuses
// it); one whose `image` is not a string is an ImageUse with a problem.
std::vector<ImageUse> collect_images(const std::vector<Object>& manifests);

}  // namespace sluice::policy
