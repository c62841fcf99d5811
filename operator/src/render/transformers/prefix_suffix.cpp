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

void add_affix_to_fields(std::vector<Object>& objects, std::string_view affix, bool is_prefix,
                         const std::vector<FieldSpec>& specs) {
  if (affix.empty()) return;
  for (Object& object : objects) {
    const GroupVersionKind gvk = object.gvk();
    if (skipped(gvk)) continue;
    for (const FieldSpec& spec : specs) {
      const bool every_name = spec.path == "metadata/name" && spec.group.empty() &&
                              spec.version.empty() && spec.kind.empty();
      if (every_name || !selects(spec, gvk)) continue;
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
