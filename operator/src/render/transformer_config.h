#pragma once
// kustomize's TransformerConfig (api/internal/plugins/builtinconfig): the field specs that drive
// the built-in transformers. Each kustomization starts from the defaults, adds what its `crds`
// declare, and merges in the configs of the kustomizations it includes, so a CRD declared in a
// base also configures the overlays above it (kustomize's ResAccumulator.MergeAccumulator).
#include <string>
#include <string_view>
#include <vector>

#include "render/field_spec.h"
#include "render/transformers/name_reference.h"

namespace sluice::render {

struct TransformerConfig {
  std::vector<FieldSpec> name_prefix;
  std::vector<FieldSpec> name_suffix;
  // Carried for merges only (as is replicas): the namespace and replicas transformers keep
  // their built-in behaviour, so config_from_file refuses specs beyond the defaults here, and
  // no `crds` extension adds to these lists.
  std::vector<FieldSpec> name_space;
  std::vector<FieldSpec> common_labels;
  // The `labels` list of a transformer config (merged into every `labels` entry's specs).
  std::vector<FieldSpec> labels;
  std::vector<FieldSpec> template_labels;
  std::vector<FieldSpec> common_annotations;
  std::vector<transformers::NameBackReference> name_reference;
  // Where vars are replaced (the top accumulator's list drives resolve_vars).
  std::vector<FieldSpec> var_reference;
  std::vector<FieldSpec> images;
  std::vector<FieldSpec> replicas;

  // kustomize's MakeDefaultConfig: the built-in tables (builtinpluginconsts), each merged into
  // an empty list and sorted, as an accumulator holds them.
  static const TransformerConfig& defaults();

  // kustomize's TransformerConfig.Merge: every list gets `other`'s specs that it does not
  // effectively have already (FsSlice.MergeOne), and nameReference entries of equal
  // group/version/kind combine their referrers; then every list is sorted as kustomize sorts
  // it (by kind, legacy order first, then group, version and kind), which matters to later
  // merges: a spec is dropped when one already there is of a kind it selects, so a
  // `configurations` spec for one kind can stand in for the default spec for every kind. Throws
  // kInvalidArgument ("conflicting fieldspecs") when a spec is present with and without `create`.
  void merge(const TransformerConfig& other);

  // kustomize's FsSlice.MergeOne on one list.
  static void merge_one(std::vector<FieldSpec>& specs, const FieldSpec& spec);
  // kustomize's nbrSlice.mergeOne.
  static void merge_name_reference(std::vector<transformers::NameBackReference>& entries,
                                   const transformers::NameBackReference& entry);

  // Merges are idempotent, so merging the defaults again (once per kustomization, as kustomize
  // does) into a config that has them is skipped: includes_defaults says it holds everything
  // defaults() does, beyond_defaults that it may hold more (an empty config has neither).
  bool includes_defaults = false;
  bool beyond_defaults = false;
};

// kustomize's LoadConfigFromCRDs for one file's content: an OpenAPI definitions map (JSON when
// it starts with '{', else YAML) of type name -> {Schema: ...}. Every definition whose
// properties include kind, apiVersion and metadata is a kind named after the last '.'-separated
// part of its type name; its properties (and those of the definitions they `$ref`, recursively,
// the path growing by the property name) carrying x-kubernetes-annotation,
// x-kubernetes-label-selector or x-kubernetes-identity become commonAnnotations, commonLabels
// or namePrefix field specs, and x-kubernetes-object-ref-api-version with
// x-kubernetes-object-ref-kind (and the optional x-kubernetes-object-ref-name-key, "name" by
// default) a nameReference referrer at property/nameKey. Throws kInvalidArgument naming
// `display` for content that does not parse as such a map, and kResourceExhausted for `$ref`
// chains nested beyond a bound (kustomize would recurse until its stack overflows).
TransformerConfig config_from_crds(std::string_view content, const std::string& display);

// kustomize's loadDefaultConfig for one `configurations` file: a YAML map with the
// TransformerConfig keys (namePrefix, nameSuffix, namespace, commonLabels, labels,
// templateLabels, commonAnnotations, nameReference, varReference, images, replicas), each a list
// of field specs (group, version, kind, path, create), nameReference entries a gvk with
// `fieldSpecs`. Unknown keys are errors, as kustomize decodes strictly. namespace, replicas and
// varReference specs other than the defaults are refused with kUnimplemented.
TransformerConfig config_from_file(std::string_view content, const std::string& display);

}  // namespace sluice::render
