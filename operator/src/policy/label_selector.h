#pragma once
// Kubernetes label selectors (metav1.LabelSelector) with apimachinery's semantics: the
// selector matches when every matchLabels pair and every matchExpressions requirement holds.
//   In           the label is present and its value is one of `values` (non-empty list)
//   NotIn        the label is absent, or its value is none of `values` (non-empty list)
//   Exists       the label is present (`values` must be empty)
//   DoesNotExist the label is absent (`values` must be empty)
// An empty selector ({}) matches every object; "no selector" is the caller's business.

#include <string>
#include <vector>

#include "core/object.h"

namespace sluice::policy {

struct LabelRequirement {
  enum class Operator { kIn, kNotIn, kExists, kDoesNotExist };
  std::string key;
  Operator op = Operator::kExists;
  std::vector<std::string> values;

  bool matches(const StringMap& labels) const;
};

struct LabelSelector {
  StringMap match_labels;
  std::vector<LabelRequirement> match_expressions;

  // Throws Error(kInvalidArgument) naming `path` and the offending field.
  static LabelSelector parse(const Json& json, const std::string& path);

  bool matches(const StringMap& labels) const;
};

}  // namespace sluice::policy
