#include "render/metadata_maps.h"

#include <cmath>

#include "core/error.h"
#include "core/go_format.h"

namespace sluice::render {

std::string kyaml_text(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return "null";
  if (value.is_structured()) return "";
  if (value.is_number_float()) {
    const double number = value.get<double>();
    // Go's JSON encoder writes integral floats below 1e21 without a fraction or exponent.
    if (std::trunc(number) == number && std::abs(number) < 1e21) {
      return std::to_string(static_cast<long long>(number));
    }
    if (!std::isfinite(number)) return number > 0 ? ".inf" : (number < 0 ? "-.inf" : ".nan");
    return goyaml::float_scalar(number);
  }
  return value.dump();  // booleans and integers
}

StringMap kyaml_string_map(const Json& value, std::string_view field) {
  StringMap result;
  if (value.is_object()) {
    for (const auto& [key, item] : value.items()) result.insert_or_assign(key, kyaml_text(item));
  } else if (value.is_array()) {
    // kyaml walks the node's children as key, value, key, value...
    if (value.size() % 2 != 0) {
      throw invalid_argument("metadata." + std::string(field) +
                             " is a list of odd length, which kustomize cannot read as a map");
    }
    for (std::size_t i = 0; i < value.size(); i += 2) {
      result.insert_or_assign(kyaml_text(value[i]), kyaml_text(value[i + 1]));
    }
  }
  return result;
}

StringMap kyaml_metadata_map(const Json& object, std::string_view field) {
  const Json* value = find_member(object, {"metadata", field});
  return value == nullptr ? StringMap() : kyaml_string_map(*value, field);
}

void rewrite_metadata_map(Json& object, std::string_view field) {
  if (!object.is_object() || !object.contains("metadata")) return;
  Json& metadata = object["metadata"];
  const std::string key(field);
  if (!metadata.is_object() || !metadata.contains(key)) return;
  const StringMap map = kyaml_string_map(metadata[key], field);
  if (map.empty()) {
    metadata.erase(key);
    return;
  }
  Json rewritten = Json::object();
  for (const auto& [name, value] : map) rewritten[name] = value;
  metadata[key] = std::move(rewritten);
}

void finish_annotations(std::vector<Object>& objects, bool keeps_build_metadata_annotations) {
  for (Object& object : objects) {
    if (keeps_build_metadata_annotations &&
        kyaml_metadata_map(object.json(), "annotations").empty()) {
      continue;
    }
    rewrite_metadata_map(object.json(), "annotations");
  }
}

}  // namespace sluice::render
