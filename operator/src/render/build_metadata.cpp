#include "render/build_metadata.h"

#include <algorithm>

#include "core/yaml_writer.h"

namespace sluice::render {
namespace {

// `key: value\n` with the value quoted as a YAML printer quotes it, so that unusual paths
// still read back as the same string.
std::string yaml_line(std::string_view key, const std::string& value) {
  return write_yaml(Json{{std::string(key), value}});
}

std::string indent(const std::string& text, std::string_view first, std::string_view rest) {
  std::string out;
  bool line_start = true;
  bool first_line = true;
  for (const char c : text) {
    if (line_start) out += first_line ? first : rest;
    line_start = c == '\n';
    if (line_start) first_line = false;
    out += c;
  }
  return out;
}

Json* annotations_of(Object& object, bool create) {
  Json& json = object.json();
  if (!json.contains("metadata") || !json["metadata"].is_object()) return nullptr;
  Json& metadata = json["metadata"];
  if (!create && (!metadata.contains("annotations") || !metadata["annotations"].is_object())) {
    return nullptr;
  }
  Json& annotations = metadata["annotations"];
  if (!annotations.is_object()) annotations = Json::object();
  return &annotations;
}

void remove_annotation(Object& object, std::string_view key) {
  Json* annotations = annotations_of(object, false);
  if (annotations == nullptr || !annotations->contains(key)) return;
  annotations->erase(std::string(key));
  if (annotations->empty()) object.json()["metadata"].erase("annotations");
}

}  // namespace

BuildMetadata BuildMetadata::from(const std::vector<std::string>& values) {
  BuildMetadata metadata;
  metadata.track_origins = !values.empty();
  const auto has = [&values](std::string_view value) {
    return std::find(values.begin(), values.end(), value) != values.end();
  };
  metadata.origin_annotations = has("originAnnotations");
  metadata.transformer_annotations = has("transformerAnnotations");
  metadata.managed_by_label = has("managedByLabel");
  return metadata;
}

Origin Origin::of_file(std::string path) {
  Origin origin;
  origin.path = std::move(path);
  return origin;
}

Origin Origin::of_builtin(std::string kustomization_file, std::string kind) {
  Origin origin;
  origin.configured_in = std::move(kustomization_file);
  origin.configured_by = std::move(kind);
  return origin;
}

std::string Origin::to_yaml() const {
  if (configured_by.empty()) return yaml_line("path", path);
  // kyaml's ResourceIdentifier: name and namespace are left out when empty.
  std::string by = yaml_line(
      "apiVersion", configured_by_api_version.empty() ? "builtin" : configured_by_api_version);
  by += yaml_line("kind", configured_by);
  if (!configured_by_name.empty()) by += yaml_line("name", configured_by_name);
  if (!configured_by_namespace.empty()) by += yaml_line("namespace", configured_by_namespace);
  return yaml_line("configuredIn", configured_in) + "configuredBy:\n" + indent(by, "  ", "  ");
}

void set_origin_if_absent(Object& object, const Origin& origin) {
  Json* annotations = annotations_of(object, true);
  if (annotations == nullptr || annotations->contains(kOriginAnnotation)) return;
  (*annotations)[std::string(kOriginAnnotation)] = origin.to_yaml();
}

void record_transformation(std::vector<Object>& objects, const Origin& transformer,
                           std::size_t times) {
  if (times == 0) return;
  const std::string entry = indent(transformer.to_yaml(), "- ", "  ");
  for (Object& object : objects) {
    Json* annotations = annotations_of(object, true);
    if (annotations == nullptr) continue;
    std::size_t remaining = times;
    if (!annotations->contains(kOriginAnnotation)) {
      (*annotations)[std::string(kOriginAnnotation)] = transformer.to_yaml();
      --remaining;
    }
    if (remaining == 0) continue;
    Json& list = (*annotations)[std::string(kTransformationsAnnotation)];
    std::string text = list.is_string() ? list.get<std::string>() : std::string();
    for (; remaining > 0; --remaining) text += entry;
    list = std::move(text);
  }
}

void finish_build_metadata(std::vector<Object>& objects, const BuildMetadata& metadata) {
  if (!metadata.track_origins) return;
  for (Object& object : objects) {
    if (metadata.managed_by_label) {
      Json& metadata_json = object.json()["metadata"];
      Json& labels = metadata_json["labels"];
      if (!labels.is_object()) labels = Json::object();
      labels[std::string(kManagedByLabel)] = std::string(kManagedByValue);
    }
    if (!metadata.origin_annotations) remove_annotation(object, kOriginAnnotation);
    if (!metadata.transformer_annotations) remove_annotation(object, kTransformationsAnnotation);
  }
}

}  // namespace sluice::render
