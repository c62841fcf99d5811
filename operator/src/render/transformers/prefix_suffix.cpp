#include "render/transformers/prefix_suffix.h"

#include <string>

namespace sluice::render::transformers {
namespace {

bool skipped(const GroupVersionKind& gvk) {
  return gvk.kind == "CustomResourceDefinition" || gvk.kind == "Namespace" ||
         (gvk.kind == "APIService" && gvk.group == "apiregistration.k8s.io");
}

}  // namespace

void add_name_prefix_suffix(std::vector<Object>& objects, std::string_view prefix,
                            std::string_view suffix) {
  if (prefix.empty() && suffix.empty()) return;
  for (Object& object : objects) {
    if (skipped(object.gvk())) continue;
    std::string name(prefix);
    name += object.name();
    name += suffix;
    object.set_name(name);
  }
}

}  // namespace sluice::render::transformers
