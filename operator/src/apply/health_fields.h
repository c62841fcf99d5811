#pragma once

// Reading an object's fields the way kstatus does (internal to apply/health*.cpp). kstatus
// reads some fields strictly, failing on a wrong type, and others leniently, falling back to a
// default; which one a rule uses decides whether a malformed object is Unknown or merely
// "absent", so each reader here names the Go function it stands for. Strict readers throw
// Error(kInvalidArgument) whose message starts with the field's path
// ("status.conditions[1].type: must be a string, not an integer").
//
// Numbers: Go decodes a JSON integer within int64 as int64 and every other number (2.0, 1e3,
// 2^63) as float64, and kstatus only accepts int64. nlohmann's parser gives non-negative
// integers as uint64, so an unsigned value counts as an integer up to INT64_MAX.

#include <compare>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "apply/health.h"
#include "core/json.h"
#include "core/rfc3339.h"

namespace sluice::apply::detail {

using FieldPath = std::initializer_list<std::string_view>;

// "status.conditions": the path as the error messages spell it.
std::string path_text(FieldPath path);

// What a JSON value is, for messages: "a string", "an integer", "a number with a fraction or
// beyond int64", "null", ...
std::string describe(const Json& value);

// The value as Go's int64, nullopt unless it is an integer within int64.
std::optional<std::int64_t> as_int64(const Json& value);

// The member `key` of `object`, nullptr when absent or when `object` is not an object.
const Json* find_member(const Json& object, std::string_view key);

// apimachinery's unstructured.NestedString: nullopt when the field or one of its parents is
// absent, or a parent is null. Throws when a parent is not an object, or the field itself is
// not a string (null included).
std::optional<std::string> nested_string(const Json& object, FieldPath path);

// unstructured.NestedInt64: the same, for an integer.
std::optional<std::int64_t> nested_int64(const Json& object, FieldPath path);

// kstatus's GetIntField, GetStringField and GetBoolField: the value when present with the
// right type, else `fallback`; never throws.
std::int64_t int_field(const Json& object, FieldPath path, std::int64_t fallback);
std::string string_field(const Json& object, FieldPath path, std::string fallback);
bool bool_field(const Json& object, FieldPath path, bool fallback);

// unstructured.GetKind: "kind" when it is a string, else "".
std::string kind_of(const Json& object);

// The key kstatus looks built-in rules up by: "<group>/<kind>", or "<kind>" for the core
// group ("apps/Deployment", "Pod"). The group comes from apiVersion as apimachinery's
// ParseGroupVersion splits it; an apiVersion with two or more slashes gives "" (no rule).
std::string group_kind_key(const Json& object);

// One entry of status.conditions, as kstatus's BasicCondition.
struct Condition {
  std::string type;
  std::string status;  // "True", "False", "Unknown", or whatever the object says
  std::string reason;
  std::string message;
};

// status.conditions as kstatus reads them (runtime.DefaultUnstructuredConverter into its
// ObjWithConditions): empty when status or the list is absent or null; a null entry or field
// reads as empty, unknown fields are ignored. Throws when status is not an object, the list is
// not a list, an entry is not an object, or type, status, reason or message is not a string.
std::vector<Condition> read_conditions(const Json& object);

// The first condition of `type` whose status is `status` (kstatus's getConditionWithStatus).
const Condition* find_condition(const std::vector<Condition>& conditions, std::string_view type,
                                std::string_view status);

// a - b as Go computes it on int64: wrapping around on overflow (kstatus subtracts replica
// counts an object may set to anything).
std::int64_t go_subtract(std::int64_t a, std::int64_t b);

// Results, spelled as kstatus builds them.
Health current(std::string message);
Health in_progress(std::string reason, std::string message);  // with Reconciling
Health failed(std::string reason, std::string message);       // with Stalled

}  // namespace sluice::apply::detail
