#include "policy/images.h"

#include <map>

#include "core/error.h"
#include "policy/json_fields.h"
#include "policy/pod_specs.h"

namespace sluice::policy {
namespace {

std::string string_or_empty(const Object& object, const char* pointer) {
  const Json* value = object.find(Json::json_pointer(pointer));
  return value != nullptr && value->is_string() ? value->get_ref<const std::string&>()
                                                : std::string();
}

}  // namespace

std::string ImageUse::description() const {
  return "image " + (reference ? reference->to_string() : written);
}

std::string describe_object(const Object& object) {
  // Read leniently: a description must not throw on a malformed manifest.
  const std::string kind = string_or_empty(object, "/kind");
  const std::string ns = string_or_empty(object, "/metadata/namespace");
  const std::string name = string_or_empty(object, "/metadata/name");
  return (kind.empty() ? "<no kind>" : kind) + "/" + (ns.empty() ? "" : ns + "/") + name;
}

std::vector<ImageUse> collect_images(const std::vector<Object>& manifests) {
  std::vector<ImageUse> uses;
  std::map<std::string, std::size_t, std::less<>> index;  // normalised (or written) -> uses[]
  for (const Object& object : manifests) {
    for (const PodSpec& pod : pod_specs(object)) {
      for (const Container& container : containers(pod)) {
        const Json* image = detail::member(*container.container, "image");
        if (image == nullptr) continue;
        ImageUse use;
        use.object = describe_object(object);
        use.field = container.path + ".image";
        if (image->is_string()) {
          use.written = image->get_ref<const std::string&>();
          try {
            use.reference = parse_image_reference(use.written);
          } catch (const Error& e) {
            use.problem = e.message();
          }
        } else {
          use.written = image->dump();
          use.problem = "image must be a string, not " + std::string(image->type_name());
        }
        const std::string key = use.reference ? use.reference->to_string() : use.written;
        const auto [it, inserted] = index.try_emplace(key, uses.size());
        if (inserted) uses.push_back(std::move(use));
        ++uses[it->second].uses;
      }
    }
  }
  return uses;
}

}  // namespace sluice::policy
