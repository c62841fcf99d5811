#pragma once
// kustomize's AnnotationsTransformer as configured by `commonAnnotations`.
#include <vector>

#include "core/object.h"
#include "render/field_spec.h"

namespace sluice::render::transformers {

// Adds `annotations` to metadata.annotations of every resource and to the pod templates of
// workloads (kustomize's commonAnnotations field specs, builtinpluginconsts/
// commonannotations.go), creating the maps when absent; `specs` replaces those defaults when
// a kustomization's TransformerConfig has more (transformer_config.h).
const std::vector<FieldSpec>& annotation_field_specs();
void add_common_annotations(std::vector<Object>& objects, const StringMap& annotations,
                            const std::vector<FieldSpec>& specs = annotation_field_specs());

}  // namespace sluice::render::transformers
