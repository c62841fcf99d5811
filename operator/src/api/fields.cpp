#include "api/fields.h"

#include "api/schema.h"
#include "core/error.h"

namespace sluice::api {
namespace {

[[noreturn]] void not_validated(const std::string& path, std::string_view wanted) {
  throw internal_error(path + ": read as " + std::string(wanted) + " without validation");
}

}  // namespace

FieldReader::FieldReader(const Json& value, const std::string& path, std::set<std::string>* seen)
    : FieldReader(value, path, path, seen) {}

FieldReader::FieldReader(const Json& value, std::string path, std::string recorded_path,
                         std::set<std::string>* seen)
    : value_(&value),
      path_(std::move(path)),
      recorded_path_(std::move(recorded_path)),
      seen_(seen) {
  if (seen_ != nullptr) seen_->insert(recorded_path_);
}

const Json* FieldReader::get(std::string_view key) const {
  if (seen_ != nullptr) seen_->insert(recorded_path_ + "." + std::string(key));
  if (!value_->is_object()) return nullptr;
  const auto it = value_->find(key);
  if (it == value_->end() || it->is_null()) return nullptr;
  return &*it;
}

bool FieldReader::has(std::string_view key) const {
  return get(key) != nullptr;
}

std::optional<std::string> FieldReader::string(std::string_view key) const {
  const Json* value = get(key);
  if (value == nullptr) return std::nullopt;
  if (!value->is_string()) not_validated(path_of(key), "a string");
  return value->get<std::string>();
}

std::string FieldReader::string_or(std::string_view key, std::string fallback) const {
  auto value = string(key);
  return value ? std::move(*value) : std::move(fallback);
}

bool FieldReader::boolean_or(std::string_view key, bool fallback) const {
  const Json* value = get(key);
  if (value == nullptr) return fallback;
  if (!value->is_boolean()) not_validated(path_of(key), "a boolean");
  return value->get<bool>();
}

std::optional<std::int64_t> FieldReader::integer(std::string_view key) const {
  const Json* value = get(key);
  if (value == nullptr) return std::nullopt;
  if (!value->is_number_integer()) not_validated(path_of(key), "an integer");
  return value->get<std::int64_t>();
}

std::optional<Duration> FieldReader::duration(std::string_view key) const {
  auto text = string(key);
  if (!text) return std::nullopt;
  try {
    return parse_duration(*text);
  } catch (const Error& e) {
    throw e.with_context(path_of(key));
  }
}

std::vector<std::string> FieldReader::strings(std::string_view key) const {
  std::vector<std::string> out;
  const Json* value = get(key);
  if (value == nullptr) return out;
  if (!value->is_array()) not_validated(path_of(key), "a list");
  for (const Json& item : *value) {
    if (!item.is_string()) not_validated(path_of(key), "a list of strings");
    out.push_back(item.get<std::string>());
  }
  return out;
}

StringMap FieldReader::string_map(std::string_view key) const {
  StringMap out;
  const Json* value = get(key);
  if (value == nullptr) return out;
  if (!value->is_object()) not_validated(path_of(key), "an object");
  for (const auto& [name, item] : value->items()) {
    if (!item.is_string()) not_validated(path_of(key) + "." + name, "a string");
    out.emplace(name, item.get<std::string>());
  }
  return out;
}

std::optional<FieldReader> FieldReader::object(std::string_view key) const {
  const Json* value = get(key);
  if (value == nullptr) return std::nullopt;
  if (!value->is_object()) not_validated(path_of(key), "an object");
  return FieldReader(*value, path_of(key), recorded_path_ + "." + std::string(key), seen_);
}

std::vector<FieldReader> FieldReader::objects(std::string_view key) const {
  std::vector<FieldReader> out;
  const Json* value = get(key);
  if (value == nullptr) return out;
  if (!value->is_array()) not_validated(path_of(key), "a list");
  const std::string recorded = recorded_path_ + "." + std::string(key) + "[]";
  for (std::size_t i = 0; i < value->size(); ++i) {
    const Json& item = (*value)[i];
    if (!item.is_object()) not_validated(path_of(key), "a list of objects");
    out.push_back(FieldReader(item, path_of(key) + "[" + std::to_string(i) + "]", recorded, seen_));
  }
  return out;
}

FieldReader validated_spec(const Object& object, const Schema& schema,
                           std::set<std::string>* seen) {
  const Json* spec = object.find(Json::json_pointer("/spec"));
  if (spec == nullptr || spec->is_null()) throw invalid_argument("spec: required");
  schema.validate(*spec, "spec");
  return FieldReader(*spec, "spec", seen);
}

}  // namespace sluice::api
