#include "apply/health_fields.h"

#include <limits>
#include <utility>

#include "core/error.h"

namespace sluice::apply::detail {
namespace {

// Where a field lookup ended, as apimachinery's NestedFieldNoCopy reports it.
struct Lookup {
  const Json* value = nullptr;  // the field, when found (it may be JSON null)
  std::string error;            // why the path cannot be followed; empty when it can
};

// NestedFieldNoCopy: walks `path` from `object`. An absent field, or a null parent, is "not
// found" (value nullptr, no error); a parent that is neither an object nor null is an error.
Lookup look_up(const Json& object, FieldPath path) {
  const Json* value = &object;
  std::string prefix;
  for (const std::string_view field : path) {
    if (value->is_null()) return {};
    if (!value->is_object()) {
      return {nullptr, prefix + " must be an object, not " + describe(*value)};
    }
    value = find_member(*value, field);
    if (value == nullptr) return {};
    prefix += prefix.empty() ? "" : ".";
    prefix += field;
  }
  return {value, {}};
}

[[noreturn]] void throw_at(FieldPath path, const std::string& problem) {
  throw invalid_argument(path_text(path) + ": " + problem);
}

[[noreturn]] void throw_at(const std::string& path, std::string_view wanted, const Json& value) {
  throw invalid_argument(path + ": must be " + std::string(wanted) + ", not " + describe(value));
}

// One of BasicCondition's string fields: absent or null is "", anything else but a string fails.
std::string condition_field(const Json& entry, std::string_view key, const std::string& path) {
  const Json* value = find_member(entry, key);
  if (value == nullptr || value->is_null()) return {};
  if (!value->is_string()) throw_at(path + "." + std::string(key), "a string", *value);
  return value->get<std::string>();
}

}  // namespace

std::string path_text(FieldPath path) {
  std::string text;
  for (const std::string_view field : path) {
    text += text.empty() ? "" : ".";
    text += field;
  }
  return text;
}

std::string describe(const Json& value) {
  switch (value.type()) {
    case Json::value_t::null:
      return "null";
    case Json::value_t::boolean:
      return "a boolean";
    case Json::value_t::string:
      return "a string";
    case Json::value_t::number_integer:
      return "an integer";
    case Json::value_t::number_unsigned:
      return as_int64(value) ? "an integer" : "an integer beyond int64";
    case Json::value_t::number_float:
      return "a floating-point number";
    case Json::value_t::array:
      return "a list";
    case Json::value_t::object:
      return "an object";
    default:
      return "a binary value";
  }
}

std::optional<std::int64_t> as_int64(const Json& value) {
  if (value.is_number_integer() && !value.is_number_unsigned()) {
    return value.get<std::int64_t>();
  }
  if (value.is_number_unsigned()) {
    const auto number = value.get<std::uint64_t>();
    if (number <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return static_cast<std::int64_t>(number);
    }
  }
  return std::nullopt;
}

const Json* find_member(const Json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

std::optional<std::string> nested_string(const Json& object, FieldPath path) {
  const Lookup found = look_up(object, path);
  if (!found.error.empty()) throw_at(path, found.error);
  if (found.value == nullptr) return std::nullopt;
  if (!found.value->is_string()) throw_at(path_text(path), "a string", *found.value);
  return found.value->get<std::string>();
}

std::optional<std::int64_t> nested_int64(const Json& object, FieldPath path) {
  const Lookup found = look_up(object, path);
  if (!found.error.empty()) throw_at(path, found.error);
  if (found.value == nullptr) return std::nullopt;
  const std::optional<std::int64_t> number = as_int64(*found.value);
  if (!number) throw_at(path_text(path), "an integer", *found.value);
  return number;
}

std::int64_t int_field(const Json& object, FieldPath path, std::int64_t fallback) {
  const Lookup found = look_up(object, path);
  if (found.value == nullptr) return fallback;
  return as_int64(*found.value).value_or(fallback);
}

std::string string_field(const Json& object, FieldPath path, std::string fallback) {
  const Lookup found = look_up(object, path);
  if (found.value == nullptr || !found.value->is_string()) return fallback;
  return found.value->get<std::string>();
}

bool bool_field(const Json& object, FieldPath path, bool fallback) {
  const Lookup found = look_up(object, path);
  if (found.value == nullptr || !found.value->is_boolean()) return fallback;
  return found.value->get<bool>();
}

namespace {

std::string string_member(const Json& object, std::string_view key) {
  const Json* value = find_member(object, key);
  return value != nullptr && value->is_string() ? value->get<std::string>() : std::string();
}

}  // namespace

std::string kind_of(const Json& object) {
  return string_member(object, "kind");
}

std::string group_kind_key(const Json& object) {
  const std::string api_version = string_member(object, "apiVersion");
  std::string group;
  const std::size_t slash = api_version.find('/');
  if (slash != std::string::npos) {
    // ParseGroupVersion refuses two slashes, and Unstructured then has no kind either.
    if (api_version.find('/', slash + 1) != std::string::npos) return {};
    group = api_version.substr(0, slash);
  }
  const std::string kind = kind_of(object);
  return group.empty() ? kind : group + "/" + kind;
}

std::vector<Condition> read_conditions(const Json& object) {
  std::vector<Condition> conditions;
  const Json* status = find_member(object, "status");
  if (status == nullptr || status->is_null()) return conditions;
  if (!status->is_object()) throw_at("status", "an object", *status);
  const Json* list = find_member(*status, "conditions");
  if (list == nullptr || list->is_null()) return conditions;
  if (!list->is_array()) throw_at("status.conditions", "a list", *list);
  conditions.reserve(list->size());
  for (std::size_t i = 0; i < list->size(); ++i) {
    const Json& entry = (*list)[i];
    const std::string path = "status.conditions[" + std::to_string(i) + "]";
    Condition& condition = conditions.emplace_back();
    if (entry.is_null()) continue;  // the converter leaves a null entry empty
    if (!entry.is_object()) throw_at(path, "an object", entry);
    condition.type = condition_field(entry, "type", path);
    condition.status = condition_field(entry, "status", path);
    condition.reason = condition_field(entry, "reason", path);
    condition.message = condition_field(entry, "message", path);
  }
  return conditions;
}

const Condition* find_condition(const std::vector<Condition>& conditions, std::string_view type,
                                std::string_view status) {
  for (const Condition& condition : conditions) {
    if (condition.type == type && condition.status == status) return &condition;
  }
  return nullptr;
}

std::int64_t go_subtract(std::int64_t a, std::int64_t b) {
  // Unsigned arithmetic wraps; C++20 defines the conversion back as modular, as Go's int is.
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) - static_cast<std::uint64_t>(b));
}

Health current(std::string message) {
  return {HealthStatus::kCurrent, std::move(message), std::nullopt};
}

Health in_progress(std::string reason, std::string message) {
  HealthCondition condition{"Reconciling", std::move(reason), message};
  return {HealthStatus::kInProgress, std::move(message), std::move(condition)};
}

Health failed(std::string reason, std::string message) {
  HealthCondition condition{"Stalled", std::move(reason), message};
  return {HealthStatus::kFailed, std::move(message), std::move(condition)};
}

}  // namespace sluice::apply::detail
