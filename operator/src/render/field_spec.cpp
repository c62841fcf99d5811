#include "render/field_spec.h"

#include <algorithm>
#include <string_view>
#include <utility>

#include "render/ordering.h"

namespace sluice::render {
namespace {

struct PathPart {
  std::string key;
  bool list = false;  // written "key[]"
};

// "\/" is a slash inside a key, as in "metadata/annotations/ingress.kubernetes.io\/auth-secret"
// (kustomize's FieldSpec.PathSlice).
std::vector<PathPart> split_path(std::string_view path) {
  std::vector<PathPart> parts;
  std::string key;
  auto finish = [&] {
    const bool list = key.ends_with("[]");
    if (list) key.resize(key.size() - 2);
    parts.push_back({std::move(key), list});
    key.clear();
  };
  bool ended_at_separator = false;
  for (std::size_t i = 0; i < path.size(); ++i) {
    ended_at_separator = false;
    if (path[i] == '\\' && i + 1 < path.size() && path[i + 1] == '/') {
      key += '/';
      ++i;
    } else if (path[i] == '/') {
      finish();
      ended_at_separator = true;
    } else {
      key += path[i];
    }
  }
  if (!path.empty() && !ended_at_separator) finish();
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

std::vector<std::string> path_keys(std::string_view path) {
  std::vector<std::string> keys;
  for (PathPart& part : split_path(path)) keys.push_back(std::move(part.key));
  return keys;
}

bool selects(const FieldSpec& spec, const GroupVersionKind& gvk) {
  return (spec.group.empty() || spec.group == gvk.group) &&
         (spec.version.empty() || spec.version == gvk.version) &&
         (spec.kind.empty() || spec.kind == gvk.kind);
}

void for_each_field(Json& object, const FieldSpec& spec, const std::function<void(Json&)>& apply) {
  walk(object, split_path(spec.path), 0, spec.create, apply);
}

namespace {

// kyaml's typeOrders: kinds kustomize's legacy order puts first rank below 0, those it puts last
// above, all others 0.
int kind_rank(const std::string& kind) {
  const std::vector<std::string>& first = default_order_first();
  const std::vector<std::string>& last = default_order_last();
  if (const auto at = std::find(first.begin(), first.end(), kind); at != first.end()) {
    return static_cast<int>(at - first.begin()) - static_cast<int>(first.size());
  }
  if (const auto at = std::find(last.begin(), last.end(), kind); at != last.end()) {
    return 1 + static_cast<int>(at - last.begin());
  }
  return 0;
}

// kyaml's Gvk.stableSortString.
std::string stable_gvk_string(const FieldSpec& spec) {
  return (spec.group.empty() ? std::string("~G") : spec.group) + "_" +
         (spec.version.empty() ? std::string("~V") : spec.version) + "_" +
         (spec.kind.empty() ? std::string("~K") : spec.kind);
}

}  // namespace

// kustomize's sort is not stable; a stable one differs only among specs of one gvk, which
// never stand in for each other.
void sort_field_specs(std::vector<FieldSpec>& specs) {
  std::vector<std::pair<std::pair<int, std::string>, FieldSpec>> keyed;
  keyed.reserve(specs.size());
  for (FieldSpec& spec : specs) {
    keyed.emplace_back(std::pair<int, std::string>(kind_rank(spec.kind), stable_gvk_string(spec)),
                       std::move(spec));
  }
  std::stable_sort(keyed.begin(), keyed.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  specs.clear();
  for (auto& [key, spec] : keyed) specs.push_back(std::move(spec));
}

}  // namespace sluice::render
