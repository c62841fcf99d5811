#include "render/field_spec.h"

#include <string_view>

namespace sluice::render {
namespace {

struct PathPart {
  std::string key;
  bool list = false;  // written "key[]"
};

std::vector<PathPart> split_path(std::string_view path) {
  std::vector<PathPart> parts;
  while (!path.empty()) {
    const std::size_t slash = path.find('/');
    std::string_view part = path.substr(0, slash);
    const bool list = part.ends_with("[]");
    if (list) part.remove_suffix(2);
    parts.push_back({std::string(part), list});
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return parts;
}

void walk(Json& node, const std::vector<PathPart>& parts, std::size_t at, bool create,
          const std::function<void(Json&)>& apply) {
  if (node.is_array()) {
    for (Json& element : node) walk(element, parts, at, create, apply);
    return;
  }
  if (at == parts.size()) {
    apply(node);
    return;
  }
  if (!node.is_object()) return;
  auto it = node.find(parts[at].key);
  if (it == node.end() || it->is_null()) {
    // A missing list is never created: there would be no element to put the field in.
    if (!create || parts[at].list) return;
    Json& created = node[parts[at].key];
    created = at + 1 == parts.size() ? Json(nullptr) : Json::object();
    walk(created, parts, at + 1, create, apply);
    return;
  }
  walk(*it, parts, at + 1, create, apply);
}

}  // namespace

bool selects(const FieldSpec& spec, const GroupVersionKind& gvk) {
  return (spec.group.empty() || spec.group == gvk.group) &&
         (spec.version.empty() || spec.version == gvk.version) &&
         (spec.kind.empty() || spec.kind == gvk.kind);
}

void for_each_field(Json& object, const FieldSpec& spec, const std::function<void(Json&)>& apply) {
  walk(object, split_path(spec.path), 0, spec.create, apply);
}

}  // namespace sluice::render
