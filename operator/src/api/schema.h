#pragma once

// The OpenAPI v3 schemas of sluice's custom resources, declared once in C++.
//
// Why in C++: the same declaration is (1) printed as the CRDs' `openAPIV3Schema` (api/crds.h;
// the files in crds/ are its output, and a test keeps them equal), so the API server refuses
// bad input, and (2) checked by the operator itself before it reads a spec (validate()), so an
// object stored before a schema change, or by a server without the CRD's validation, is still
// refused with the same message. A CEL rule (x-kubernetes-validations) always comes with the
// same check in C++ (Rule::holds), because the operator cannot evaluate CEL.
//
// Only what sluice's schemas use is modelled: objects with named properties, string maps,
// arrays, strings (enum, pattern, length), integers (range), booleans, defaults, descriptions.
// Patterns are written in the common subset of RE2 (the API server's) and ECMAScript
// (std::regex, ours), and anchored with ^...$ since both search unanchored.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "core/json.h"

namespace sluice::api {

// A rule the API server checks with CEL, and the operator with `holds` on the same value.
struct Rule {
  std::string cel;      // e.g. "[has(self.branch), has(self.tag)].filter(x, x).size() == 1"
  std::string message;  // what the API server answers when the rule fails
  std::function<bool(const Json&)> holds;
};

struct Property;

class Schema {
 public:
  enum class Type { kObject, kStringMap, kArray, kString, kInteger, kBoolean };

  static Schema object(std::vector<Property> properties);
  static Schema string_map();  // an object of string values under any keys
  static Schema array(Schema items);
  static Schema string();
  static Schema integer();
  static Schema boolean();

  // Out of line: Property is incomplete here, and std::vector's members need it complete.
  Schema(const Schema&);
  Schema& operator=(const Schema&);
  Schema(Schema&&) noexcept;
  Schema& operator=(Schema&&) noexcept;
  ~Schema();

  // Fluent setters, for declarations that read as the schema they build.
  Schema& describe(std::string text);
  Schema& one_of_values(std::vector<std::string> values);  // enum
  Schema& pattern(std::string regex);                      // anchored ^...$, see above
  Schema& length(std::optional<std::int64_t> min, std::optional<std::int64_t> max);
  Schema& range(std::optional<std::int64_t> minimum, std::optional<std::int64_t> maximum);
  Schema& max_items(std::int64_t count);
  Schema& format(std::string name);  // "date-time", "int64": documentation for clients only
  Schema& default_value(Json value);
  Schema& example_value(Json value);  // what example() uses when there is no default
  Schema& rule(Rule rule);

  Type type() const noexcept { return type_; }
  const std::vector<Property>& properties() const noexcept { return properties_; }
  const Schema* items() const noexcept { return items_.get(); }
  const std::optional<Json>& default_json() const noexcept { return default_; }
  // The property `name` of an object schema, or nullptr.
  const Schema* property(std::string_view name) const;

  // The schema as OpenAPI v3 JSON, as a CRD's openAPIV3Schema carries it.
  Json to_openapi() const;

  // Throws Error(kInvalidArgument) "<path>.<field>: <problem>" at the first value this schema
  // refuses: a wrong type, an unknown field, a missing required field, a value outside an enum,
  // pattern, length or range, or a failed rule. JSON null counts as absent (as the API server
  // prunes it), so an optional field set to null is accepted.
  void validate(const Json& value, const std::string& path) const;

  // The path of every property below this schema, `prefix` first; array items add "[]":
  // "spec.ref.branch", "spec.dependsOn[].name". For checking that a parser reads every field.
  std::vector<std::string> property_paths(const std::string& prefix) const;

  // A value with every property set to something this schema accepts (the default, the
  // example, the first enum value, or a plain value of the type), arrays with one element. Rules
  // are not solved: callers fix up values a rule refuses. For tests that exercise every field.
  Json example() const;

 private:
  explicit Schema(Type type);

  Type type_;
  std::string description_;
  std::vector<Property> properties_;
  std::shared_ptr<const Schema> items_;  // kArray
  std::vector<std::string> enum_;
  std::string pattern_;
  std::shared_ptr<const std::regex> compiled_;  // pattern_, compiled once
  std::optional<std::int64_t> min_length_, max_length_, minimum_, maximum_, max_items_;
  std::string format_;
  std::optional<Json> default_;
  std::optional<Json> example_;
  std::vector<Rule> rules_;
};

struct Property {
  std::string name;
  Schema schema;
  bool required = false;
};

// Declaration helpers: field("url", Schema::string()...), required("name", ...).
inline Property field(std::string name, Schema schema) {
  return {std::move(name), std::move(schema), false};
}
inline Property required(std::string name, Schema schema) {
  return {std::move(name), std::move(schema), true};
}

// Shared pieces of sluice's schemas.
// A Go duration as Kubernetes writes it ("30s", "1m30s", "1.5h"), positive.
Schema duration_schema(std::string description);
// A Kubernetes object name (DNS subdomain, at most 253 characters).
Schema name_schema(std::string description);
// A namespace name (DNS label, at most 63 characters).
Schema namespace_schema(std::string description);
// Exactly one of `keys` is set on the object (both as CEL and in C++).
Rule exactly_one_of(std::vector<std::string> keys);

}  // namespace sluice::api
