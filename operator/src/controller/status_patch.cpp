#include "controller/status_patch.h"

#include <charconv>
#include <cstdint>
#include <optional>

#include "core/error.h"

namespace sluice::controller {
namespace {

// Patches `object`'s status to `next`, conditional on `object`'s resourceVersion. Returns the
// server's object, or `object` when there is nothing to change.
Json patch_over(const kube::Client& client, const kube::Resource& resource, const Json& object,
                const Json& next) {
  const Json patch = merge_diff(status_of(object), next);
  if (patch.is_null()) return object;
  Json body{{"status", patch}};
  const std::string version = string_member(object, {"metadata", "resourceVersion"});
  if (!version.empty()) body["metadata"] = Json{{"resourceVersion", version}};
  return client.patch_status(resource, string_member(object, {"metadata", "namespace"}),
                             string_member(object, {"metadata", "name"}), body);
}

}  // namespace

Json merge_diff(const Json& from, const Json& to) {
  if (from == to) return nullptr;
  if (!from.is_object() || !to.is_object()) return to;
  Json patch = Json::object();
  for (const auto& [key, value] : from.items()) {
    if (!to.contains(key)) patch[key] = nullptr;
  }
  for (const auto& [key, value] : to.items()) {
    if (!from.contains(key)) {
      patch[key] = value;
      continue;
    }
    // at(), not find(): g++ 12 sees a null dereference in nlohmann's iterator that is not there.
    const Json& before = from.at(key);
    if (before != value) {
      patch[key] = before.is_object() && value.is_object() ? merge_diff(before, value) : value;
    }
  }
  return patch;
}

const Json& newer_of(const Json& cached, const Json& written) {
  const auto revision = [](const Json& object) -> std::optional<std::uint64_t> {
    const std::string version = string_member(object, {"metadata", "resourceVersion"});
    std::uint64_t value = 0;
    const char* end = version.data() + version.size();
    const auto [at, error] = std::from_chars(version.data(), end, value);
    if (version.empty() || error != std::errc() || at != end) return std::nullopt;
    return value;
  };
  if (string_member(cached, {"metadata", "uid"}) != string_member(written, {"metadata", "uid"}))
    return cached;
  const std::optional<std::uint64_t> seen = revision(cached);
  const std::optional<std::uint64_t> wrote = revision(written);
  return seen && wrote && *wrote > *seen ? written : cached;
}

Json status_of(const Json& object) {
  const Json* status = find_member(object, {"status"});
  return status != nullptr && status->is_object() ? *status : Json::object();
}

Json write_status(const kube::Client& client, const kube::Resource& resource, const Json& object,
                  const NextStatus& next) {
  try {
    return patch_over(client, resource, object, next(object));
  } catch (const Error& e) {
    if (e.code() != ErrorCode::kConflict) throw;
  }
  const Json fresh = client.get(resource, string_member(object, {"metadata", "namespace"}),
                                string_member(object, {"metadata", "name"}));
  return patch_over(client, resource, fresh, next(fresh));
}

Json write_status(const kube::Client& client, const kube::Resource& resource, const Json& object,
                  const Json& next) {
  const Json changes = merge_diff(status_of(object), next);
  if (changes.is_null()) return object;
  return write_status(client, resource, object, [&](const Json& current) {
    Json status = status_of(current);
    status.merge_patch(changes);
    return status;
  });
}

}  // namespace sluice::controller
