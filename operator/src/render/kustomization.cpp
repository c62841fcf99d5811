#include "render/kustomization.h"

#include <algorithm>
#include <array>

#include "core/error.h"
#include "core/yaml_reader.h"

namespace sluice::render {
namespace {

// Every top-level field of kustomize v5's Kustomization (api/types/kustomization.go).
constexpr std::array<std::string_view, 35> kKnownFields = {
    "apiVersion",
    "kind",
    "metadata",
    "openapi",
    "namePrefix",
    "nameSuffix",
    "namespace",
    "commonLabels",
    "labels",
    "commonAnnotations",
    "patchesStrategicMerge",
    "patchesJson6902",
    "patches",
    "images",
    "imageTags",
    "replacements",
    "replicas",
    "vars",
    "sortOptions",
    "resources",
    "components",
    "crds",
    "bases",
    "configMapGenerator",
    "secretGenerator",
    "helmGlobals",
    "helmCharts",
    "helmChartInflationGenerator",
    "generatorOptions",
    "configurations",
    "generators",
    "transformers",
    "validators",
    "inventory",
    "buildMetadata",
};

// Fields this step renders. Anything else in kKnownFields with a non-empty value is refused.
constexpr std::array<std::string_view, 11> kImplementedFields = {
    "apiVersion", "kind",  "metadata",     "namePrefix",        "nameSuffix",  "namespace",
    "resources",  "bases", "commonLabels", "commonAnnotations", "sortOptions",
};

bool contains(const auto& list, std::string_view name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

// kustomize decodes into Go types through encoding/json, so a wrong JSON type is an error.
std::string string_field(const Json& doc, std::string_view name) {
  const Json& value = doc.at(std::string(name));
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
  const Json doc = parse_yaml(text);
  Kustomization result;
  // kustomize refuses a kustomization with no content, comments only included.
  if (doc.is_null()) throw invalid_argument("kustomization file is empty");
  if (!doc.is_object()) {
    throw invalid_argument("invalid Kustomization: the file must hold a YAML map");
  }
  for (const auto& [key, value] : doc.items()) {
    if (!contains(kKnownFields, key)) {
      throw invalid_argument("invalid Kustomization: json: unknown field \"" + key + "\"");
    }
    if (contains(kImplementedFields, key) || is_empty_value(value)) continue;
    if (key == "helmCharts" || key == "helmChartInflationGenerator" || key == "helmGlobals") {
      throw unimplemented("sluice does not render Helm charts (field '" + key +
                          "'); render the chart into the repository instead");
    }
    throw unimplemented("sluice does not support '" + key + "' yet");
  }
  const std::string kind = doc.contains("kind") ? string_field(doc, "kind") : "";
  const std::string api_version = doc.contains("apiVersion") ? string_field(doc, "apiVersion") : "";
  if (kind == "Component") {
    throw unimplemented("sluice does not support kind 'Component' (components) yet");
  }
  if (!kind.empty() && kind != "Kustomization") {
    throw invalid_argument("invalid Kustomization: kind should be Kustomization or Component");
  }
  if (!api_version.empty() && api_version != "kustomize.config.k8s.io/v1beta1") {
    throw invalid_argument(
        "invalid Kustomization: apiVersion for Kustomization should be "
        "kustomize.config.k8s.io/v1beta1");
  }
  if (doc.contains("metadata") && !doc["metadata"].is_null() && !doc["metadata"].is_object()) {
    throw invalid_argument("invalid Kustomization: metadata must be a map");
  }
  if (doc.contains("resources")) result.resources = string_list(doc, "resources");
  if (doc.contains("bases")) {
    for (std::string& base : string_list(doc, "bases")) result.resources.push_back(std::move(base));
    result.warnings.emplace_back(
        "# Warning: 'bases' is deprecated. Please use 'resources' instead. Run 'kustomize edit "
        "fix' to update your Kustomization automatically.");
  }
  if (doc.contains("namespace")) result.namespace_ = string_field(doc, "namespace");
  if (doc.contains("namePrefix")) result.name_prefix = string_field(doc, "namePrefix");
  if (doc.contains("nameSuffix")) result.name_suffix = string_field(doc, "nameSuffix");
  if (doc.contains("commonLabels")) {
    result.common_labels = string_map(doc, "commonLabels");
    result.warnings.emplace_back(
        "# Warning: 'commonLabels' is deprecated. Please use 'labels' instead. Run 'kustomize "
        "edit fix' to update your Kustomization automatically.");
  }
  if (doc.contains("commonAnnotations")) {
    result.common_annotations = string_map(doc, "commonAnnotations");
  }
  if (doc.contains("sortOptions") && !doc["sortOptions"].is_null()) {
    result.sort_options = parse_sort_options(doc["sortOptions"]);
  }
  return result;
}

}  // namespace sluice::render
