#pragma once
// kustomize's AnnotationsTransformer as configured by `commonAnnotations`.
#include <vector>

#include "core/object.h"

namespace sluice::render::transformers {

// Adds `annotations` to metadata.annotations of every resource and to the pod templates of
// workloads (kustomize's commonAnnotations field specs, builtinpluginconsts/
// commonannotations.go), creating the maps when absent.
void add_common_annotations(std::vector<Object>& objects, const StringMap& annotations);

}  // namespace sluice::render::transformers
