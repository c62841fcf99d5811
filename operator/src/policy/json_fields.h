#pragma once
// Strict reading of the SigningPolicy's JSON (internal to policy/). Every helper names the field
// by its path ("spec.images[1].glob") in the Error(kInvalidArgument) it throws, and unknown
// fields are refused: a misspelt "denyPrivilege" silently ignored would be a hole in a security
// policy, so a policy with one is malformed and fails closed.

#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "core/object.h"

namespace sluice::policy::detail {

// The member `key` of the object `object`, or nullptr when absent or JSON null.
const Json* member(const Json& object, std::string_view key);

// Throws unless `value` is a JSON object whose keys are all in `known`.
void expect_object(const Json& value, const std::string& path,
                   std::initializer_list<std::string_view> known);

// For tests only: called by every expect_object() with its path and known fields, so a test can
// check that the SigningPolicy CRD's schema declares exactly the fields this parser knows
// (tests/unit/api/crds_test.cpp). Process-wide and not synchronised: set it before parsing, on
// the same thread, and clear it (pass {}) afterwards.
using KnownFieldsObserver =
    std::function<void(const std::string& path, const std::vector<std::string_view>& known)>;
void set_known_fields_observer(KnownFieldsObserver observer);

std::string expect_string(const Json& value, const std::string& path);
std::string expect_non_empty_string(const Json& value, const std::string& path);
bool expect_bool(const Json& value, const std::string& path);
std::vector<std::string> expect_string_list(const Json& value, const std::string& path);
// Throws unless `value` is a JSON array; returns it.
const Json& expect_array(const Json& value, const std::string& path);

std::string item_path(const std::string& path, std::size_t index);  // "path[index]"

}  // namespace sluice::policy::detail
