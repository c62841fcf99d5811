#pragma once
// kustomize's LabelTransformer as configured by `commonLabels`.
#include <vector>

#include "core/object.h"
#include "render/field_spec.h"

namespace sluice::render::transformers {

// Adds `labels` to metadata.labels of every resource and to the selectors and pod templates
// kustomize's commonLabels field specs name (builtinpluginconsts/commonlabels.go): Service
// selectors, workload selector.matchLabels and template labels, affinity and topology spread
// selectors (only where they exist), StatefulSet volumeClaimTemplates, Job, CronJob,
// PodDisruptionBudget and NetworkPolicy selectors.
// The field specs add_common_labels() uses, in kustomize's order.
const std::vector<FieldSpec>& common_label_field_specs();

// Sets every key of `values` in each map that `specs` reach (creating maps where a spec says
// so); shared by the labels and annotations transformers. Throws kInvalidArgument when a
// reached field is not a map.
void add_to_maps(std::vector<Object>& objects, const StringMap& values,
                 const std::vector<FieldSpec>& specs);

void add_common_labels(std::vector<Object>& objects, const StringMap& labels);

}  // namespace sluice::render::transformers
