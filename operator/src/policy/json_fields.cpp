#include "policy/json_fields.h"

#include <algorithm>

#include "core/error.h"

namespace sluice::policy::detail {
namespace {

[[noreturn]] void wrong_type(const Json& value, const std::string& path, std::string_view wanted) {
  throw invalid_argument(path + ": must be " + std::string(wanted) + ", not " + value.type_name());
}

KnownFieldsObserver& known_fields_observer() {
  static KnownFieldsObserver observer;
  return observer;
}

}  // namespace

void set_known_fields_observer(KnownFieldsObserver observer) {
  known_fields_observer() = std::move(observer);
}

const Json* member(const Json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

void expect_object(const Json& value, const std::string& path,
                   std::initializer_list<std::string_view> known) {
  if (const auto& observer = known_fields_observer()) observer(path, {known.begin(), known.end()});
  if (!value.is_object()) wrong_type(value, path, "an object");
  for (const auto& [key, unused] : value.items()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      std::string expected;
      for (const std::string_view name : known) {
        expected += expected.empty() ? "" : ", ";
        expected += name;
      }
      throw invalid_argument(path + ": unknown field \"" + key + "\" (known: " + expected + ")");
    }
  }
}

std::string expect_string(const Json& value, const std::string& path) {
  if (!value.is_string()) wrong_type(value, path, "a string");
  return value.get<std::string>();
}

std::string expect_non_empty_string(const Json& value, const std::string& path) {
  std::string text = expect_string(value, path);
  if (text.empty()) throw invalid_argument(path + ": must not be empty");
  return text;
}

bool expect_bool(const Json& value, const std::string& path) {
  if (!value.is_boolean()) wrong_type(value, path, "true or false");
  return value.get<bool>();
}

const Json& expect_array(const Json& value, const std::string& path) {
  if (!value.is_array()) wrong_type(value, path, "a list");
  return value;
}

std::vector<std::string> expect_string_list(const Json& value, const std::string& path) {
  std::vector<std::string> result;
  const Json& list = expect_array(value, path);
  result.reserve(list.size());
  for (std::size_t i = 0; i < list.size(); ++i) {
    result.push_back(expect_non_empty_string(list[i], item_path(path, i)));
  }
  return result;
}

std::string item_path(const std::string& path, std::size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

}  // namespace sluice::policy::detail
