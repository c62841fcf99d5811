#include "kube/discovery.h"

#include <mutex>
#include <utility>

#include "core/error.h"

namespace sluice::kube {
namespace {

const Json& array_field(const Json& document, const char* field, const std::string& what) {
  static const Json empty = Json::array();
  if (!document.is_object()) throw invalid_argument(what + ": discovery document is not an object");
  const auto it = document.find(field);
  if (it == document.end() || it->is_null()) return empty;
  if (!it->is_array()) throw invalid_argument(what + ": \"" + field + "\" is not a list");
  return *it;
}

std::string string_field(const Json& object, const char* field, const std::string& what) {
  const auto it = object.find(field);
  if (it == object.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
    throw invalid_argument(what + ": an entry has no \"" + field + "\"");
  }
  return it->get<std::string>();
}

}  // namespace

std::vector<std::string> parse_core_versions(const Json& api_versions, const std::string& what) {
  std::vector<std::string> versions;
  for (const auto& version : array_field(api_versions, "versions", what)) {
    if (!version.is_string()) throw invalid_argument(what + ": a version is not a string");
    versions.push_back(version.get<std::string>());
  }
  return versions;
}

std::vector<std::string> parse_group_versions(const Json& api_group_list, const std::string& what) {
  std::vector<std::string> group_versions;
  for (const auto& group : array_field(api_group_list, "groups", what)) {
    if (!group.is_object()) throw invalid_argument(what + ": a group is not an object");
    std::string preferred;
    if (const auto it = group.find("preferredVersion"); it != group.end() && it->is_object()) {
      preferred = it->value("groupVersion", std::string());
    }
    if (!preferred.empty()) group_versions.push_back(preferred);
    for (const auto& version : array_field(group, "versions", what)) {
      if (!version.is_object()) throw invalid_argument(what + ": a version is not an object");
      std::string group_version = string_field(version, "groupVersion", what);
      if (group_version != preferred) group_versions.push_back(std::move(group_version));
    }
  }
  return group_versions;
}

std::vector<ApiResource> parse_resource_list(const Json& resource_list, const std::string& what) {
  if (!resource_list.is_object())
    throw invalid_argument(what + ": discovery document is not an object");
  const auto group_version = GroupVersionKind::from_api_version(
      string_field(resource_list, "groupVersion", what), std::string());
  std::vector<ApiResource> resources;
  for (const auto& entry : array_field(resource_list, "resources", what)) {
    if (!entry.is_object()) throw invalid_argument(what + ": a resource is not an object");
    std::string name = string_field(entry, "name", what);
    if (name.find('/') != std::string::npos) continue;  // a subresource
    ApiResource resource;
    // An entry may name its own group/version (rare; kept for fidelity with the format).
    resource.gvk.group = entry.value("group", group_version.group);
    resource.gvk.version = entry.value("version", group_version.version);
    if (resource.gvk.version.empty()) resource.gvk.version = group_version.version;
    resource.gvk.kind = string_field(entry, "kind", what);
    resource.resource = {.group = resource.gvk.group,
                         .version = resource.gvk.version,
                         .resource = std::move(name),
                         .namespaced = entry.value("namespaced", false)};
    for (const auto& verb : array_field(entry, "verbs", what)) {
      if (verb.is_string()) resource.verbs.push_back(verb.get<std::string>());
    }
    resources.push_back(std::move(resource));
  }
  return resources;
}

std::vector<ApiResource> discover_resources(const Client& client) {
  auto fetch = [&client](const std::string& path) {
    return Json::parse(client.request("GET", path).body, nullptr, /*allow_exceptions=*/false);
  };
  std::vector<std::string> paths;
  for (const auto& version : parse_core_versions(fetch("/api"), "/api")) {
    paths.push_back("/api/" + version);
  }
  for (const auto& group_version : parse_group_versions(fetch("/apis"), "/apis")) {
    paths.push_back("/apis/" + group_version);
  }
  std::vector<ApiResource> all;
  for (const auto& path : paths) {
    Json document;
    try {
      document = fetch(path);
    } catch (const Error& e) {
      // A down aggregated API (503) or a group-version deleted meanwhile (404) hides only its
      // own resources.
      if (e.code() == ErrorCode::kUnavailable || e.code() == ErrorCode::kNotFound) continue;
      throw;
    }
    for (auto& resource : parse_resource_list(document, path)) all.push_back(std::move(resource));
  }
  return all;
}

RestMapper::RestMapper(Client client, RestMapperOptions options)
    : RestMapper([client = std::move(client)] { return discover_resources(client); },
                 std::move(options)) {}

RestMapper::RestMapper(Discover discover, RestMapperOptions options)
    : discover_(std::move(discover)), options_(std::move(options)) {
  if (!options_.clock) options_.clock = runtime::SystemClock::instance();
}

Resource RestMapper::resource_for(const GroupVersionKind& gvk) {
  std::unique_lock lock(mu_);
  if (auto it = by_gvk_.find(gvk); it != by_gvk_.end()) return it->second;
  if (!loaded_ || options_.clock->now() - last_refresh_ >= options_.min_refresh_interval) {
    refresh_locked();
    if (auto it = by_gvk_.find(gvk); it != by_gvk_.end()) return it->second;
  }
  throw not_found("no resource for kind \"" + gvk.to_string() +
                  "\" on the server (is its CustomResourceDefinition installed?)");
}

void RestMapper::refresh() {
  std::unique_lock lock(mu_);
  refresh_locked();
}

int RestMapper::refresh_count() const {
  std::unique_lock lock(mu_);
  return refresh_count_;
}

void RestMapper::refresh_locked() {
  // Counted as a refresh even when it fails, so a failing discovery is rate-limited too.
  last_refresh_ = options_.clock->now();
  loaded_ = true;
  ++refresh_count_;
  std::map<GroupVersionKind, Resource> fresh;
  for (auto& api_resource : discover_()) {
    fresh.emplace(std::move(api_resource.gvk), std::move(api_resource.resource));
  }
  by_gvk_ = std::move(fresh);
}

}  // namespace sluice::kube
