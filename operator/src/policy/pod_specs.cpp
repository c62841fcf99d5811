#include "policy/pod_specs.h"

#include <array>
#include <string_view>

#include "policy/json_fields.h"

namespace sluice::policy {
namespace {

struct PodSpecLocation {
  std::string_view kind;
  std::string_view pointer;  // JSON pointer to the pod spec
};

constexpr std::array<PodSpecLocation, 8> kLocations{{
    {"Pod", "/spec"},
    {"PodTemplate", "/template/spec"},
    {"Deployment", "/spec/template/spec"},
    {"StatefulSet", "/spec/template/spec"},
    {"DaemonSet", "/spec/template/spec"},
    {"ReplicaSet", "/spec/template/spec"},
    {"ReplicationController", "/spec/template/spec"},
    {"Job", "/spec/template/spec"},
}};
constexpr PodSpecLocation kCronJob{"CronJob", "/spec/jobTemplate/spec/template/spec"};

std::string dotted(std::string_view pointer) {
  std::string path(pointer.substr(1));
  for (char& c : path) c = c == '/' ? '.' : c;
  return path;
}

}  // namespace

std::vector<PodSpec> pod_specs(const Object& object) {
  const Json* kind = detail::member(object.json(), "kind");
  if (kind == nullptr || !kind->is_string()) return {};
  const std::string& name = kind->get_ref<const std::string&>();
  std::string_view pointer;
  if (name == kCronJob.kind) pointer = kCronJob.pointer;
  for (const PodSpecLocation& location : kLocations) {
    if (location.kind == name) pointer = location.pointer;
  }
  if (pointer.empty()) return {};
  const Json* spec = object.find(Json::json_pointer(std::string(pointer)));
  if (spec == nullptr || !spec->is_object()) return {};
  return {PodSpec{spec, dotted(pointer)}};
}

std::vector<Container> containers(const PodSpec& pod) {
  std::vector<Container> result;
  for (const char* field : {"containers", "initContainers", "ephemeralContainers"}) {
    const Json* list = detail::member(*pod.spec, field);
    if (list == nullptr || !list->is_array()) continue;
    std::size_t index = 0;
    for (const Json& container : *list) {
      const std::string path = pod.path + "." + field + "[" + std::to_string(index++) + "]";
      if (!container.is_object()) continue;
      const Json* name = detail::member(container, "name");
      result.push_back(Container{
          &container, path,
          name != nullptr && name->is_string() ? name->get_ref<const std::string&>() : ""});
    }
  }
  return result;
}

}  // namespace sluice::policy
