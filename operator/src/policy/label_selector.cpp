#include "policy/label_selector.h"

#include <algorithm>

#include "core/error.h"
#include "policy/json_fields.h"

namespace sluice::policy {
namespace {

using detail::member;

LabelRequirement::Operator parse_operator(const Json& value, const std::string& path) {
  const std::string name = detail::expect_string(value, path);
  if (name == "In") return LabelRequirement::Operator::kIn;
  if (name == "NotIn") return LabelRequirement::Operator::kNotIn;
  if (name == "Exists") return LabelRequirement::Operator::kExists;
  if (name == "DoesNotExist") return LabelRequirement::Operator::kDoesNotExist;
  throw invalid_argument(path + ": must be one of In, NotIn, Exists, DoesNotExist, not \"" + name +
                         "\"");
}

LabelRequirement parse_requirement(const Json& json, const std::string& path) {
  detail::expect_object(json, path, {"key", "operator", "values"});
  LabelRequirement requirement;
  const Json* key = member(json, "key");
  if (key == nullptr) throw invalid_argument(path + ".key: required");
  requirement.key = detail::expect_non_empty_string(*key, path + ".key");
  const Json* op = member(json, "operator");
  if (op == nullptr) throw invalid_argument(path + ".operator: required");
  requirement.op = parse_operator(*op, path + ".operator");
  if (const Json* values = member(json, "values")) {
    const Json& list = detail::expect_array(*values, path + ".values");
    for (std::size_t i = 0; i < list.size(); ++i) {
      // Label values may be empty strings, so no expect_non_empty_string here.
      requirement.values.push_back(
          detail::expect_string(list[i], detail::item_path(path + ".values", i)));
    }
  }
  const bool set_based = requirement.op == LabelRequirement::Operator::kIn ||
                         requirement.op == LabelRequirement::Operator::kNotIn;
  if (set_based && requirement.values.empty()) {
    throw invalid_argument(path + ".values: must be non-empty for operator In and NotIn");
  }
  if (!set_based && !requirement.values.empty()) {
    throw invalid_argument(path + ".values: must be empty for operator Exists and DoesNotExist");
  }
  return requirement;
}

}  // namespace

bool LabelRequirement::matches(const StringMap& labels) const {
  const auto it = labels.find(key);
  const bool present = it != labels.end();
  const auto listed = [&] {
    return std::find(values.begin(), values.end(), it->second) != values.end();
  };
  switch (op) {
    case Operator::kIn:
      return present && listed();
    case Operator::kNotIn:
      return !present || !listed();
    case Operator::kExists:
      return present;
    case Operator::kDoesNotExist:
      return !present;
  }
  return false;
}

LabelSelector LabelSelector::parse(const Json& json, const std::string& path) {
  detail::expect_object(json, path, {"matchLabels", "matchExpressions"});
  LabelSelector selector;
  if (const Json* labels = member(json, "matchLabels")) {
    if (!labels->is_object()) {
      throw invalid_argument(path + ".matchLabels: must be an object, not " + labels->type_name());
    }
    for (const auto& [key, value] : labels->items()) {
      const std::string field = path + ".matchLabels." + key;
      if (key.empty()) throw invalid_argument(path + ".matchLabels: label keys must not be empty");
      selector.match_labels.emplace(key, detail::expect_string(value, field));
    }
  }
  if (const Json* expressions = member(json, "matchExpressions")) {
    const std::string list_path = path + ".matchExpressions";
    const Json& list = detail::expect_array(*expressions, list_path);
    for (std::size_t i = 0; i < list.size(); ++i) {
      selector.match_expressions.push_back(
          parse_requirement(list[i], detail::item_path(list_path, i)));
    }
  }
  return selector;
}

bool LabelSelector::matches(const StringMap& labels) const {
  for (const auto& [key, value] : match_labels) {
    const auto it = labels.find(key);
    if (it == labels.end() || it->second != value) return false;
  }
  return std::all_of(
      match_expressions.begin(), match_expressions.end(),
      [&](const LabelRequirement& requirement) { return requirement.matches(labels); });
}

}  // namespace sluice::policy
