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

// metadata/labels and the pod template specs (kustomize's templateLabels defaults).
const std::vector<FieldSpec>& template_label_field_specs();

// `specs` replaces the defaults when a kustomization's TransformerConfig has more.
void add_common_labels(std::vector<Object>& objects, const StringMap& labels,
                       const std::vector<FieldSpec>& specs = common_label_field_specs());

// The lists of a TransformerConfig the `labels` entries use.
struct LabelFieldSpecs {
  const std::vector<FieldSpec>& labels;
  const std::vector<FieldSpec>& common;
  const std::vector<FieldSpec>& templates;
};
inline LabelFieldSpecs default_label_field_specs() {
  static const std::vector<FieldSpec> none;
  return {none, common_label_field_specs(), template_label_field_specs()};
}

// One entry of a kustomization's `labels` (kustomize's types.Label).
struct LabelsEntry {
  StringMap pairs;
  // Also the selectors and templates commonLabels reaches (and then include_templates is moot).
  bool include_selectors = false;
  // Also the pod templates (and StatefulSet volumeClaimTemplates, CronJob jobTemplate).
  bool include_templates = false;
  // `fields`: more places for the labels, ahead of the defaults.
  std::vector<FieldSpec> fields;
};

// The field specs kustomize configures for one `labels` entry: its own fields, then the config's
// `labels` specs, then the template specs with include_templates and metadata/labels, or all of
// commonLabels' specs with include_selectors; a default whose group, version, kind and path one of
// the own fields already names is left out (kustomize's FsSlice merge), and an error when the two
// disagree on `create`.
std::vector<FieldSpec> labels_entry_field_specs(
    const LabelsEntry& entry, const LabelFieldSpecs& config = default_label_field_specs());

// Applies each `labels` entry in order, as kustomize runs one LabelTransformer per entry
// (before the one for commonLabels).
void add_labels(std::vector<Object>& objects, const std::vector<LabelsEntry>& entries,
                const LabelFieldSpecs& config = default_label_field_specs());

}  // namespace sluice::render::transformers
