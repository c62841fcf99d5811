#include "render/transformers/prefix_suffix.h"

#include <string>

namespace sluice::render::transformers {
namespace {

bool keeps_its_name(const GroupVersionKind& gvk) {
  return gvk.kind == "CustomResourceDefinition" || gvk.kind == "Namespace" ||
         (gvk.kind == "APIService" && gvk.group == "apiregistration.k8s.io");
}

}  // namespace

void add_affix(std::vector<Object>& objects, std::string_view affix, bool is_prefix,
               const std::vector<FieldSpec>& specs,
               const std::vector<GroupVersionKind>& original_gvks,
               const std::function<void(Object&)>& before_rename) {
  if (affix.empty()) return;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    Object& object = objects[i];
    const GroupVersionKind original = i < original_gvks.size() ? original_gvks[i] : object.gvk();
    if (keeps_its_name(original)) continue;
    for (const FieldSpec& spec : specs) {
      if (!selects(spec, original)) continue;
      if (spec.path == "metadata/name" && before_rename) before_rename(object);
      if (!selects(spec, object.gvk())) continue;
      for_each_field(object.json(), spec, [&](Json& node) {
        // kustomize sets the result as a string, so a number or boolean becomes one.
        // A field created by a spec with `create` gets the affix alone.
        if (!node.is_primitive()) return;
        const std::string value = node.is_null()     ? std::string()
                                  : node.is_string() ? node.get<std::string>()
                                                     : node.dump();
        node = is_prefix ? std::string(affix) + value : value + std::string(affix);
      });
    }
  }
}

}  // namespace sluice::render::transformers
