#include "render/kustomization_go_types.h"

namespace sluice::render {
namespace {

using Kind = GoType::Kind;

constexpr GoType kString{.kind = Kind::kString, .name = "string"};
constexpr GoType kBool{.kind = Kind::kBool, .name = "bool"};
constexpr GoType kInt{.kind = Kind::kInt, .name = "int"};
constexpr GoType kInt64{.kind = Kind::kInt, .name = "int64"};
constexpr GoType kAnyValue{.kind = Kind::kAny, .name = "interface {}"};
constexpr GoType kStringMap{.kind = Kind::kMap, .name = "map[string]string", .element = &kString};
constexpr GoType kBoolMap{.kind = Kind::kMap, .name = "map[string]bool", .element = &kBool};
constexpr GoType kAnyMap{
    .kind = Kind::kMap, .name = "map[string]interface {}", .element = &kAnyValue};
constexpr GoType kStringList{.kind = Kind::kSlice, .name = "[]string", .element = &kString};

// A struct type, or a pointer to one (which null resets).
constexpr GoType go_struct(std::string_view name, std::span<const GoField> fields,
                           bool pointer = false) {
  return {.kind = Kind::kStruct, .name = name, .fields = fields, .pointer = pointer};
}
constexpr GoType go_slice(std::string_view name, const GoType& element) {
  return {.kind = Kind::kSlice, .name = name, .element = &element};
}

constexpr GoField kObjectMetaFields[] = {
    {"name", &kString},
    {"namespace", &kString},
    {"labels", &kStringMap},
    {"annotations", &kStringMap},
};
constexpr GoType kObjectMeta = go_struct("types.ObjectMeta", kObjectMetaFields, true);

// types.FieldSpec: resid.Gvk embedded.
constexpr GoField kFieldSpecFields[] = {
    {"group", &kString}, {"version", &kString}, {"kind", &kString},
    {"path", &kString},  {"create", &kBool},
};
constexpr GoType kFieldSpec = go_struct("types.FieldSpec", kFieldSpecFields);

constexpr GoType kFieldSpecList = go_slice("[]types.FieldSpec", kFieldSpec);
constexpr GoField kLabelFields[] = {
    {"pairs", &kStringMap},
    {"includeSelectors", &kBool},
    {"includeTemplates", &kBool},
    {"fields", &kFieldSpecList},
};
constexpr GoType kLabel = go_struct("types.Label", kLabelFields);

// types.Selector: resid.ResId (Gvk, name, namespace) embedded.
constexpr GoField kSelectorFields[] = {
    {"group", &kString},         {"version", &kString},   {"kind", &kString},
    {"name", &kString},          {"namespace", &kString}, {"annotationSelector", &kString},
    {"labelSelector", &kString},
};
constexpr GoType kSelectorPointer = go_struct("types.Selector", kSelectorFields, true);

constexpr GoField kPatchFields[] = {
    {"path", &kString},
    {"patch", &kString},
    {"target", &kSelectorPointer},
    {"options", &kBoolMap},
};
constexpr GoType kPatch = go_struct("types.Patch", kPatchFields);

constexpr GoField kImageFields[] = {
    {"name", &kString},   {"newName", &kString}, {"tagSuffix", &kString},
    {"newTag", &kString}, {"digest", &kString},
};
constexpr GoType kImage = go_struct("types.Image", kImageFields);

constexpr GoField kFieldOptionsFields[] = {
    {"delimiter", &kString},
    {"index", &kInt},
    {"encoding", &kString},
    {"create", &kBool},
};
constexpr GoType kFieldOptionsPointer = go_struct("types.FieldOptions", kFieldOptionsFields, true);

// types.SourceSelector: resid.ResId embedded.
constexpr GoField kSourceSelectorFields[] = {
    {"group", &kString},
    {"version", &kString},
    {"kind", &kString},
    {"name", &kString},
    {"namespace", &kString},
    {"fieldPath", &kString},
    {"options", &kFieldOptionsPointer},
};
constexpr GoType kSourceSelectorPointer =
    go_struct("types.SourceSelector", kSourceSelectorFields, true);

constexpr GoType kSelectorPointerList = go_slice("[]*types.Selector", kSelectorPointer);
constexpr GoField kTargetSelectorFields[] = {
    {"select", &kSelectorPointer},
    {"reject", &kSelectorPointerList},
    {"fieldPaths", &kStringList},
    {"options", &kFieldOptionsPointer},
};
constexpr GoType kTargetSelectorPointer =
    go_struct("types.TargetSelector", kTargetSelectorFields, true);
constexpr GoType kTargetSelectorPointerList =
    go_slice("[]*types.TargetSelector", kTargetSelectorPointer);

// types.ReplacementField: types.Replacement embedded, and a path.
constexpr GoField kReplacementFieldFields[] = {
    {"source", &kSourceSelectorPointer},
    {"targets", &kTargetSelectorPointerList},
    {"path", &kString},
};
constexpr GoType kReplacementField = go_struct("types.ReplacementField", kReplacementFieldFields);
constexpr GoType kReplacementFieldList = go_slice("[]types.ReplacementField", kReplacementField);

// types.Replacement: what a `replacements` file holds, alone or in a list.
constexpr GoType kReplacement =
    go_struct("types.Replacement", std::span(kReplacementFieldFields).first(2));
constexpr GoType kReplacementList = go_slice("[]types.Replacement", kReplacement);

constexpr GoField kReplicaFields[] = {{"name", &kString}, {"count", &kInt64}};
constexpr GoType kReplica = go_struct("types.Replica", kReplicaFields);

// types.Target (a var's objref): apiVersion, then resid.Gvk embedded.
constexpr GoField kVarTargetFields[] = {
    {"apiVersion", &kString}, {"group", &kString}, {"version", &kString},
    {"kind", &kString},       {"name", &kString},  {"namespace", &kString},
};
constexpr GoType kVarTarget = go_struct("types.Target", kVarTargetFields);
constexpr GoField kFieldSelectorFields[] = {{"fieldPath", &kString}};
constexpr GoType kFieldSelector = go_struct("types.FieldSelector", kFieldSelectorFields);
constexpr GoField kVarFields[] = {
    {"name", &kString},
    {"objref", &kVarTarget},
    {"fieldref", &kFieldSelector},
};
constexpr GoType kVar = go_struct("types.Var", kVarFields);

constexpr GoField kLegacySortOptionsFields[] = {
    {"orderFirst", &kStringList},
    {"orderLast", &kStringList},
};
constexpr GoType kLegacySortOptionsPointer =
    go_struct("types.LegacySortOptions", kLegacySortOptionsFields, true);
constexpr GoField kSortOptionsFields[] = {
    {"order", &kString},
    {"legacySortOptions", &kLegacySortOptionsPointer},
};
constexpr GoType kSortOptionsPointer = go_struct("types.SortOptions", kSortOptionsFields, true);

constexpr GoField kGeneratorOptionsFields[] = {
    {"labels", &kStringMap},
    {"annotations", &kStringMap},
    {"disableNameSuffixHash", &kBool},
    {"immutable", &kBool},
};
constexpr GoType kGeneratorOptionsPointer =
    go_struct("types.GeneratorOptions", kGeneratorOptionsFields, true);

// types.ConfigMapArgs and types.SecretArgs: types.GeneratorArgs (with types.KvPairSources)
// embedded; secrets add a type.
constexpr GoField kSecretArgsFields[] = {
    {"namespace", &kString}, {"name", &kString},
    {"behavior", &kString},  {"literals", &kStringList},
    {"files", &kStringList}, {"envs", &kStringList},
    {"env", &kString},       {"options", &kGeneratorOptionsPointer},
    {"type", &kString},
};
constexpr GoType kConfigMapArgs =
    go_struct("types.ConfigMapArgs", std::span(kSecretArgsFields).first(8));
constexpr GoType kSecretArgs = go_struct("types.SecretArgs", kSecretArgsFields);

constexpr GoField kHelmGlobalsFields[] = {{"chartHome", &kString}, {"configHome", &kString}};
constexpr GoType kHelmGlobalsPointer = go_struct("types.HelmGlobals", kHelmGlobalsFields, true);

constexpr GoField kHelmChartFields[] = {
    {"name", &kString},        {"version", &kString},      {"repo", &kString},
    {"releaseName", &kString}, {"namespace", &kString},    {"additionalValuesFiles", &kStringList},
    {"valuesFile", &kString},  {"valuesInline", &kAnyMap}, {"valuesMerge", &kString},
    {"includeCRDs", &kBool},   {"skipHooks", &kBool},      {"apiVersions", &kStringList},
    {"kubeVersion", &kString}, {"nameTemplate", &kString}, {"skipTests", &kBool},
    {"debug", &kBool},
};
constexpr GoType kHelmChart = go_struct("types.HelmChart", kHelmChartFields);

constexpr GoField kHelmChartArgsFields[] = {
    {"chartName", &kString},     {"chartVersion", &kString},  {"chartRepoUrl", &kString},
    {"chartHome", &kString},     {"chartRepoName", &kString}, {"helmBin", &kString},
    {"helmHome", &kString},      {"values", &kString},        {"valuesLocal", &kAnyMap},
    {"valuesMerge", &kString},   {"releaseName", &kString},   {"releaseNamespace", &kString},
    {"extraArgs", &kStringList},
};
constexpr GoType kHelmChartArgs = go_struct("types.HelmChartArgs", kHelmChartArgsFields);

constexpr GoType kLabelList = go_slice("[]types.Label", kLabel);
constexpr GoType kPatchList = go_slice("[]types.Patch", kPatch);
constexpr GoType kImageList = go_slice("[]types.Image", kImage);
constexpr GoType kReplicaList = go_slice("[]types.Replica", kReplica);
constexpr GoType kVarList = go_slice("[]types.Var", kVar);
constexpr GoType kConfigMapArgsList = go_slice("[]types.ConfigMapArgs", kConfigMapArgs);
constexpr GoType kSecretArgsList = go_slice("[]types.SecretArgs", kSecretArgs);
constexpr GoType kHelmChartList = go_slice("[]types.HelmChart", kHelmChart);
constexpr GoType kHelmChartArgsList = go_slice("[]types.HelmChartArgs", kHelmChartArgs);
constexpr GoType kPatchStrategicMergeList = go_slice("[]types.PatchStrategicMerge", kString);

// types.Kustomization: types.TypeMeta (kind, apiVersion) embedded.
constexpr GoField kKustomizationFields[] = {
    {"kind", &kString},
    {"apiVersion", &kString},
    {"metadata", &kObjectMeta},
    {"openapi", &kStringMap},
    {"namePrefix", &kString},
    {"nameSuffix", &kString},
    {"namespace", &kString},
    {"commonLabels", &kStringMap},
    {"labels", &kLabelList},
    {"commonAnnotations", &kStringMap},
    {"patchesStrategicMerge", &kPatchStrategicMergeList},
    {"patchesJson6902", &kPatchList},
    {"patches", &kPatchList},
    {"images", &kImageList},
    {"imageTags", &kImageList},
    {"replacements", &kReplacementFieldList},
    {"replicas", &kReplicaList},
    {"vars", &kVarList},
    {"sortOptions", &kSortOptionsPointer},
    {"resources", &kStringList},
    {"components", &kStringList},
    {"crds", &kStringList},
    {"bases", &kStringList},
    {"configMapGenerator", &kConfigMapArgsList},
    {"secretGenerator", &kSecretArgsList},
    {"helmGlobals", &kHelmGlobalsPointer},
    {"helmCharts", &kHelmChartList},
    {"helmChartInflationGenerator", &kHelmChartArgsList},
    {"generatorOptions", &kGeneratorOptionsPointer},
    {"configurations", &kStringList},
    {"generators", &kStringList},
    {"transformers", &kStringList},
    {"validators", &kStringList},
    {"buildMetadata", &kStringList},
};
constexpr GoType kKustomization = go_struct("types.Kustomization", kKustomizationFields);

// builtinconfig.TransformerConfig, a `configurations` file: field spec lists, and the
// nameReference entries (resid.Gvk embedded, then their referrers).
constexpr GoField kNameBackReferencesFields[] = {
    {"group", &kString},
    {"version", &kString},
    {"kind", &kString},
    {"fieldSpecs", &kFieldSpecList},
};
constexpr GoType kNameBackReferences =
    go_struct("builtinconfig.NameBackReferences", kNameBackReferencesFields);
constexpr GoType kNameBackReferencesList = go_slice("builtinconfig.nbrSlice", kNameBackReferences);
constexpr GoField kTransformerConfigFields[] = {
    {"namePrefix", &kFieldSpecList},
    {"nameSuffix", &kFieldSpecList},
    {"namespace", &kFieldSpecList},
    {"commonLabels", &kFieldSpecList},
    {"labels", &kFieldSpecList},
    {"templateLabels", &kFieldSpecList},
    {"commonAnnotations", &kFieldSpecList},
    {"nameReference", &kNameBackReferencesList},
    {"varReference", &kFieldSpecList},
    {"images", &kFieldSpecList},
    {"replicas", &kFieldSpecList},
};
constexpr GoType kTransformerConfig =
    go_struct("builtinconfig.TransformerConfig", kTransformerConfigFields);

}  // namespace

const GoType& kustomization_go_type() {
  return kKustomization;
}

const GoType& replacement_file_go_type(bool list) {
  return list ? kReplacementList : kReplacement;
}

const GoType& transformer_config_go_type() {
  return kTransformerConfig;
}

}  // namespace sluice::render
