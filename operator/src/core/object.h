#pragma once

// The Kubernetes object model every stage shares: an object is its JSON tree, with typed
// accessors for the fields sluice reasons about. Identity types mirror apimachinery's.

#include <compare>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/json.h"

namespace sluice {

using StringMap = std::map<std::string, std::string, std::less<>>;

// group + kind: what identifies a kind across API versions ("apps", "Deployment").
struct GroupKind {
  std::string group;  // empty for the core group
  std::string kind;

  // "Deployment.apps", or "ConfigMap" for the core group (kubectl's spelling).
  std::string to_string() const;
  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy 14 misreads the rewritten `<=> 0`.
  auto operator<=>(const GroupKind&) const = default;
};

struct GroupVersionKind {
  std::string group;
  std::string version;
  std::string kind;

  // Splits apiVersion "apps/v1" into group and version ("v1" is the core group).
  static GroupVersionKind from_api_version(std::string_view api_version, std::string kind);

  std::string api_version() const;  // "apps/v1", or "v1" for the core group
  GroupKind group_kind() const { return {group, kind}; }
  std::string to_string() const;  // "apps/v1, Kind=Deployment"
  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy 14 misreads the rewritten `<=> 0`.
  auto operator<=>(const GroupVersionKind&) const = default;
};

// Identity of an object in a cluster, independent of API version; this is what an inventory
// records and what prune compares. Cluster-scoped objects have an empty namespace.
struct ObjectId {
  GroupKind group_kind;
  std::string namespace_;
  std::string name;

  // Flux's inventory spelling "<namespace>_<name>_<group>_<kind>", e.g. "shop_web_apps_Deployment".
  std::string to_string() const;
  // Inverse of to_string(); throws Error(kInvalidArgument) on anything else.
  static ObjectId parse(std::string_view text);
  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy 14 misreads the rewritten `<=> 0`.
  auto operator<=>(const ObjectId&) const = default;
};

// A reference from one object to another (spec.sourceRef, dependsOn): kind, name and an
// optional namespace that defaults to the referrer's.
struct ObjectRef {
  std::string api_version;  // optional
  std::string kind;
  std::string name;
  std::string namespace_;  // empty: the referrer's namespace

  std::string to_string() const;  // "GitSource/shop/platform" or "GitSource/platform"
  auto operator<=>(const ObjectRef&) const = default;
};

// A Kubernetes object as a JSON tree. Accessors read the standard fields and return empty
// values when a field is absent; they throw Error(kInvalidArgument) only when a field exists
// with the wrong JSON type, because that is a malformed object, not a missing value.
class Object {
 public:
  Object() : json_(Json::object()) {}
  // Takes any JSON object; throws Error(kInvalidArgument) if `json` is not an object.
  explicit Object(Json json);

  Object(const Object&) = default;
  Object& operator=(const Object&) = default;
  Object(Object&&) noexcept = default;
  Object& operator=(Object&&) noexcept = default;

  const Json& json() const& noexcept { return json_; }
  Json& json() & noexcept { return json_; }
  Json&& json() && noexcept { return std::move(json_); }

  std::string api_version() const { return string_at("apiVersion"); }
  std::string kind() const { return string_at("kind"); }
  GroupVersionKind gvk() const;
  std::string name() const;
  std::string namespace_name() const;
  ObjectId id() const;
  StringMap labels() const { return string_map_at("labels"); }
  StringMap annotations() const { return string_map_at("annotations"); }
  std::optional<std::string> label(std::string_view key) const;
  std::optional<std::string> annotation(std::string_view key) const;

  void set_api_version(std::string_view value) { json_["apiVersion"] = value; }
  void set_kind(std::string_view value) { json_["kind"] = value; }
  void set_name(std::string_view value) { json_["metadata"]["name"] = value; }
  void set_namespace(std::string_view value);  // an empty value removes the field
  void set_label(std::string_view key, std::string_view value);
  void set_annotation(std::string_view key, std::string_view value);
  void remove_annotation(std::string_view key);

  // A JSON pointer lookup that returns nullptr when the path does not exist.
  const Json* find(const Json::json_pointer& pointer) const noexcept;

  bool operator==(const Object& other) const { return json_ == other.json_; }

 private:
  std::string string_at(std::string_view key) const;
  std::string metadata_string(std::string_view key) const;
  StringMap string_map_at(std::string_view metadata_key) const;

  Json json_;
};

// The value reached from `json` through the object members `keys` ({"metadata", "uid"}), or
// nullptr when a step is missing, null, or not an object. For reading API responses, where a
// json_pointer would be parsed on every call.
const Json* find_member(const Json& json, std::initializer_list<std::string_view> keys) noexcept;

// find_member() as a string, or "" when absent or not a string.
std::string string_member(const Json& json, std::initializer_list<std::string_view> keys);

}  // namespace sluice
