#include "render/kustomization.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>

#include "core/error.h"
#include "core/yaml_reader.h"
#include "render/kustomization_go_types.h"
#include "render/struct_fields.h"

namespace sluice::render {
namespace {

// Fields this step renders. Any other field of types.Kustomization with a non-empty value is
// refused.
constexpr std::array<std::string_view, 31> kImplementedFields = {
    "apiVersion",
    "kind",
    "metadata",
    "openapi",
    "namePrefix",
    "nameSuffix",
    "namespace",
    "resources",
    "bases",
    "commonLabels",
    "commonAnnotations",
    "sortOptions",
    "images",
    "replicas",
    "labels",
    "patches",
    "patchesJson6902",
    "configMapGenerator",
    "secretGenerator",
    "generatorOptions",
    "components",
    "buildMetadata",
    "imageTags",
    "patchesStrategicMerge",
    "crds",
    "configurations",
    "replacements",
    "vars",
    "generators",
    "transformers",
    "validators",
};

bool contains(const auto& list, std::string_view name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

// kustomize decodes into Go types through encoding/json, so a wrong JSON type is an error.
// The string at `name`; empty when the field is absent or null.
std::string string_field(const Json& doc, std::string_view name) {
  const auto it = doc.find(std::string(name));
  if (it == doc.end()) return {};
  const Json& value = *it;
  if (value.is_null()) return {};
  if (!value.is_string()) {
    throw invalid_argument("invalid Kustomization: field '" + std::string(name) +
                           "' must be a string");
  }
  return value.get<std::string>();
}

std::vector<std::string> string_list(const Json& doc, std::string_view name) {
  const Json& value = doc.at(std::string(name));
  std::vector<std::string> out;
  if (value.is_null()) return out;
  if (!value.is_array()) {
    throw invalid_argument("invalid Kustomization: field '" + std::string(name) +
                           "' must be a list of strings");
  }
  for (const Json& item : value) {
    if (!item.is_string()) {
      throw invalid_argument("invalid Kustomization: field '" + std::string(name) +
                             "' must be a list of strings");
    }
    out.push_back(item.get<std::string>());
  }
  return out;
}

StringMap string_map(const Json& doc, std::string_view name) {
  const Json& value = doc.at(std::string(name));
  StringMap out;
  if (value.is_null()) return out;
  if (!value.is_object()) {
    throw invalid_argument("invalid Kustomization: field '" + std::string(name) +
                           "' must be a map of strings");
  }
  for (const auto& [key, item] : value.items()) {
    if (!item.is_string()) {
      // kustomize: "json: cannot unmarshal number into Go struct field ... of type string".
      throw invalid_argument("invalid Kustomization: field '" + std::string(name) + "." + key +
                             "' must be a string (quote it)");
    }
    out.emplace(key, item.get<std::string>());
  }
  return out;
}

SortOptions parse_sort_options(const Json& value) {
  if (!value.is_object())
    throw invalid_argument("invalid Kustomization: sortOptions must be a map");
  SortOptions options;
  std::string order;
  for (const auto& [key, item] : value.items()) {
    if (key == "order") {
      if (!item.is_string()) throw invalid_argument("invalid Kustomization: sortOptions.order");
      order = item.get<std::string>();
    } else if (key == "legacySortOptions") {
      if (item.is_null()) continue;
      if (!item.is_object()) {
        throw invalid_argument("invalid Kustomization: sortOptions.legacySortOptions");
      }
      options.has_legacy_options = true;
      for (const auto& [list_key, list] : item.items()) {
        if (list_key != "orderFirst" && list_key != "orderLast") {
          throw invalid_argument("invalid Kustomization: json: unknown field \"" + list_key + "\"");
        }
        std::vector<std::string>& target =
            list_key == "orderFirst" ? options.order_first : options.order_last;
        target = string_list(item, list_key);
      }
    } else {
      throw invalid_argument("invalid Kustomization: json: unknown field \"" + key + "\"");
    }
  }
  // The checks of kustomize's SortOrderTransformer, with its messages.
  if (order == "fifo") {
    options.order = SortOptions::Order::kFifo;
    if (options.has_legacy_options) {
      throw invalid_argument(
          "the field 'sortOptions.legacySortOptions' is set but the selected sort order is "
          "'fifo', not 'legacy'");
    }
  } else if (order == "legacy") {
    options.order = SortOptions::Order::kLegacy;
  } else {
    throw invalid_argument("the field 'sortOptions.order' must be one of [fifo, legacy]");
  }
  return options;
}

std::vector<transformers::ImageOverride> parse_images(const Json& value) {
  if (!value.is_array()) throw invalid_argument("invalid Kustomization: images must be a list");
  std::vector<transformers::ImageOverride> images;
  for (const Json& item : value) {
    check_struct_fields(item, "images", {"name", "newName", "newTag", "digest", "tagSuffix"});
    transformers::ImageOverride image;
    // A number is refused ("cannot unmarshal number ... of type string"): newTag: "1.25".
    image.name = string_field(item, "name");
    image.new_name = string_field(item, "newName");
    image.new_tag = string_field(item, "newTag");
    image.digest = string_field(item, "digest");
    image.tag_suffix = string_field(item, "tagSuffix");
    images.push_back(std::move(image));
  }
  return images;
}

bool bool_field(const Json& item, std::string_view list, std::string_view name) {
  if (!item.contains(std::string(name)) || item.at(std::string(name)).is_null()) return false;
  const Json& value = item.at(std::string(name));
  if (!value.is_boolean()) {
    throw invalid_argument("invalid Kustomization: " + std::string(list) + ": field '" +
                           std::string(name) + "' must be true or false");
  }
  return value.get<bool>();
}

std::vector<transformers::LabelsEntry> parse_labels(const Json& value) {
  if (!value.is_array()) throw invalid_argument("invalid Kustomization: labels must be a list");
  std::vector<transformers::LabelsEntry> entries;
  for (const Json& item : value) {
    check_struct_fields(item, "labels",
                        {"pairs", "includeSelectors", "includeTemplates", "fields"});
    transformers::LabelsEntry entry;
    if (item.contains("pairs")) entry.pairs = string_map(item, "pairs");
    entry.include_selectors = bool_field(item, "labels", "includeSelectors");
    entry.include_templates = bool_field(item, "labels", "includeTemplates");
    if (item.contains("fields") && !item.at("fields").is_null()) {
      const Json& fields = item.at("fields");
      if (!fields.is_array()) {
        throw invalid_argument("invalid Kustomization: labels: fields must be a list");
      }
      for (const Json& field : fields) {
        check_struct_fields(field, "labels.fields", {"group", "version", "kind", "path", "create"});
        FieldSpec spec;
        spec.group = string_field(field, "group");
        spec.version = string_field(field, "version");
        spec.kind = string_field(field, "kind");
        spec.path = string_field(field, "path");
        spec.create = bool_field(field, "labels.fields", "create");
        entry.fields.push_back(std::move(spec));
      }
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

std::vector<PatchEntry> parse_patches(const Json& value, std::string_view field) {
  if (!value.is_array()) {
    throw invalid_argument("invalid Kustomization: " + std::string(field) + " must be a list");
  }
  std::vector<PatchEntry> patches;
  for (const Json& item : value) {
    check_struct_fields(item, field, {"path", "patch", "target", "options"});
    PatchEntry entry;
    if (item.contains("path")) entry.path = string_field(item, "path");
    if (item.contains("patch")) entry.patch = string_field(item, "patch");
    if (item.contains("options") && !item.at("options").is_null()) {
      const Json& options = item.at("options");
      if (!options.is_object()) {
        throw invalid_argument("invalid Kustomization: " + std::string(field) +
                               ": options must be a map of booleans");
      }
      for (const auto& [key, option] : options.items()) {
        if (!option.is_boolean()) {
          throw invalid_argument("invalid Kustomization: " + std::string(field) + ": option '" +
                                 key + "' must be true or false");
        }
        if (key == "allowNameChange") entry.allow_name_change = option.get<bool>();
        if (key == "allowKindChange") entry.allow_kind_change = option.get<bool>();
      }
    }
    if (item.contains("target") && !item.at("target").is_null()) {
      const Json& target = item.at("target");
      check_struct_fields(
          target, "target",
          {"group", "version", "kind", "name", "namespace", "labelSelector", "annotationSelector"});
      entry.has_target = true;
      entry.target = {string_field(target, "group"),
                      string_field(target, "version"),
                      string_field(target, "kind"),
                      string_field(target, "name"),
                      string_field(target, "namespace"),
                      string_field(target, "labelSelector"),
                      string_field(target, "annotationSelector")};
    }
    patches.push_back(std::move(entry));
  }
  return patches;
}

std::vector<transformers::ReplicaCount> parse_replicas(const Json& value) {
  if (!value.is_array()) throw invalid_argument("invalid Kustomization: replicas must be a list");
  std::vector<transformers::ReplicaCount> replicas;
  for (const Json& item : value) {
    check_struct_fields(item, "replicas", {"name", "count"});
    transformers::ReplicaCount replica;
    if (item.contains("name")) replica.name = string_field(item, "name");
    if (item.contains("count") && !item.at("count").is_null()) {
      const Json& count = item.at("count");
      // Go's encoding/json takes 3.0 for an int64, not 3.5 nor "3".
      const bool integral_float = count.is_number_float() &&
                                  std::trunc(count.get<double>()) == count.get<double>() &&
                                  std::abs(count.get<double>()) < 9.2e18;
      if (!count.is_number_integer() && !integral_float) {
        throw invalid_argument("invalid Kustomization: replicas: count must be an integer (int64)");
      }
      replica.count = integral_float ? static_cast<std::int64_t>(count.get<double>())
                                     : count.get<std::int64_t>();
    }
    replicas.push_back(std::move(replica));
  }
  return replicas;
}

bool is_empty_value(const Json& value) {
  return value.is_null() ||
         ((value.is_array() || value.is_object() || value.is_string()) && value.empty());
}

}  // namespace

std::optional<std::filesystem::path> find_kustomization_file(const FileSystem& files,
                                                             const std::filesystem::path& dir) {
  std::optional<std::filesystem::path> found;
  for (std::string_view name : kKustomizationFileNames) {
    const std::filesystem::path candidate = dir / name;
    std::error_code ec;
    if (!std::filesystem::exists(std::filesystem::symlink_status(candidate, ec))) continue;
    if (found) {
      throw invalid_argument("Found multiple kustomization files under: " + files.display(dir));
    }
    found = candidate;
  }
  return found;
}

Kustomization parse_kustomization(std::string_view text) {
  const Json written = parse_yaml(text, {}, YamlSchema::kGoYamlV2);
  Kustomization result;
  // kustomize refuses a kustomization with no content, comments only included.
  if (written.is_null()) throw invalid_argument("kustomization file is empty");
  if (!written.is_object()) {
    throw invalid_argument("invalid Kustomization: the file must hold a YAML map");
  }
  // From here on every field is under its canonical name, whatever its spelling in the file.
  Json doc;
  try {
    doc = go_json_decode(written, kustomization_go_type(), UnknownFields::kRefuse);
  } catch (const Error& e) {
    throw e.with_context("invalid Kustomization");
  }
  for (const auto& [key, value] : doc.items()) {
    if (contains(kImplementedFields, key) || is_empty_value(value)) continue;
    if (key == "helmCharts" || key == "helmChartInflationGenerator" || key == "helmGlobals") {
      throw unimplemented("sluice does not render Helm charts (field '" + key +
                          "'); render the chart into the repository instead");
    }
    throw unimplemented("sluice does not support '" + key + "' yet");
  }
  // kustomize's CheckEmpty: nothing but apiVersion and kind (or fields left null or "", which
  // it reads as unset) is an empty kustomization, Components included; `resources: []` is not.
  bool empty = true;
  for (const auto& [key, value] : doc.items()) {
    if (key != "apiVersion" && key != "kind" && !value.is_null() &&
        !(value.is_string() && value.get_ref<const std::string&>().empty())) {
      empty = false;
    }
  }
  if (empty) throw invalid_argument("kustomization.yaml is empty");
  const std::string kind = string_field(doc, "kind");
  const std::string api_version = string_field(doc, "apiVersion");
  if (!kind.empty() && kind != "Kustomization" && kind != "Component") {
    throw invalid_argument("invalid Kustomization: kind should be Kustomization or Component");
  }
  result.is_component = kind == "Component";
  // kustomize's EnforceFields: each kind has its own apiVersion.
  const std::string_view required_version =
      result.is_component ? "kustomize.config.k8s.io/v1alpha1" : "kustomize.config.k8s.io/v1beta1";
  if (!api_version.empty() && api_version != required_version) {
    throw invalid_argument("invalid Kustomization: apiVersion for " + kind + " should be " +
                           std::string(required_version));
  }
  if (doc.contains("metadata") && !doc["metadata"].is_null() && !doc["metadata"].is_object()) {
    throw invalid_argument("invalid Kustomization: metadata must be a map");
  }
  if (doc.contains("resources")) result.resources = string_list(doc, "resources");
  // A deprecated field left null is unset for kustomize: no warning (CheckDeprecatedFields).
  if (doc.contains("bases") && !doc["bases"].is_null()) {
    for (std::string& base : string_list(doc, "bases")) result.resources.push_back(std::move(base));
    result.warnings.emplace_back(
        "# Warning: 'bases' is deprecated. Please use 'resources' instead. Run 'kustomize edit "
        "fix' to update your Kustomization automatically.");
  }
  if (doc.contains("components")) result.components = string_list(doc, "components");
  if (doc.contains("generators")) result.generators = string_list(doc, "generators");
  if (doc.contains("transformers")) result.transformers = string_list(doc, "transformers");
  if (doc.contains("validators")) result.validators = string_list(doc, "validators");
  if (doc.contains("crds")) result.crds = string_list(doc, "crds");
  if (doc.contains("configurations")) result.configurations = string_list(doc, "configurations");
  if (doc.contains("buildMetadata")) result.build_metadata = string_list(doc, "buildMetadata");
  if (doc.contains("namespace")) result.namespace_ = string_field(doc, "namespace");
  if (doc.contains("namePrefix")) result.name_prefix = string_field(doc, "namePrefix");
  if (doc.contains("nameSuffix")) result.name_suffix = string_field(doc, "nameSuffix");
  if (doc.contains("commonLabels") && !doc["commonLabels"].is_null()) {
    result.common_labels = string_map(doc, "commonLabels");
    result.warnings.emplace_back(
        "# Warning: 'commonLabels' is deprecated. Please use 'labels' instead. Run 'kustomize "
        "edit fix' to update your Kustomization automatically.");
  }
  if (doc.contains("commonAnnotations")) {
    result.common_annotations = string_map(doc, "commonAnnotations");
  }
  if (doc.contains("labels") && !doc["labels"].is_null()) {
    result.labels = parse_labels(doc["labels"]);
  }
  if (doc.contains("patches") && !doc["patches"].is_null()) {
    result.patches = parse_patches(doc["patches"], "patches");
  }
  if (doc.contains("patchesJson6902") && !doc["patchesJson6902"].is_null()) {
    result.patches_json6902 = parse_patches(doc["patchesJson6902"], "patchesJson6902");
    result.warnings.emplace_back(
        "# Warning: 'patchesJson6902' is deprecated. Please use 'patches' instead. Run "
        "'kustomize edit fix' to update your Kustomization automatically.");
  }
  if (doc.contains("patchesStrategicMerge") && !doc["patchesStrategicMerge"].is_null()) {
    result.patches_strategic_merge = string_list(doc, "patchesStrategicMerge");
    result.warnings.emplace_back(
        "# Warning: 'patchesStrategicMerge' is deprecated. Please use 'patches' instead. Run "
        "'kustomize edit fix' to update your Kustomization automatically.");
  }
  if (doc.contains("images") && !doc["images"].is_null()) {
    result.images = parse_images(doc["images"]);
  }
  if (doc.contains("imageTags") && !doc["imageTags"].is_null()) {
    // Deprecated spelling of `images`, appended to them (kustomize's FixKustomization).
    for (auto& image : parse_images(doc["imageTags"])) result.images.push_back(std::move(image));
    result.warnings.emplace_back(
        "# Warning: 'imageTags' is deprecated. Please use 'images' instead. Run 'kustomize edit "
        "fix' to update your Kustomization automatically.");
  }
  if (doc.contains("replicas") && !doc["replicas"].is_null()) {
    result.replicas = parse_replicas(doc["replicas"]);
  }
  if (doc.contains("configMapGenerator")) {
    result.config_map_generator =
        transformers::parse_generator_list(doc["configMapGenerator"], "ConfigMap");
  }
  if (doc.contains("secretGenerator")) {
    result.secret_generator = transformers::parse_generator_list(doc["secretGenerator"], "Secret");
  }
  if (doc.contains("generatorOptions") && !doc["generatorOptions"].is_null()) {
    result.generator_options = transformers::parse_generator_options(doc["generatorOptions"]);
  }
  if (doc.contains("replacements") && !doc["replacements"].is_null()) {
    if (!doc["replacements"].is_array()) {
      throw invalid_argument("invalid Kustomization: replacements must be a list");
    }
    for (const Json& item : doc["replacements"]) {
      if (item.is_object() && item.contains("path")) {
        if (item.size() > 1)
          throw invalid_argument("cannot specify both path and inline replacement");
        result.replacements.push_back({string_field(item, "path"), {}});
      } else {
        result.replacements.push_back({{}, transformers::parse_replacement(item)});
      }
    }
  }
  if (doc.contains("vars") && !doc["vars"].is_null()) {
    result.vars = transformers::parse_vars(doc["vars"]);
    result.warnings.emplace_back(
        "# Warning: 'vars' is deprecated. Please use 'replacements' instead. [EXPERIMENTAL] Run "
        "'kustomize edit fix' to update your Kustomization automatically.");
  }
  if (doc.contains("openapi")) result.openapi = string_map(doc, "openapi");
  if (doc.contains("sortOptions") && !doc["sortOptions"].is_null()) {
    result.sort_options = parse_sort_options(doc["sortOptions"]);
  }
  return result;
}

}  // namespace sluice::render
