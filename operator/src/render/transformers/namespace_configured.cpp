#include "render/transformers/namespace_configured.h"

#include "core/error.h"
#include "render/resource_id.h"

namespace sluice::render::transformers {
namespace {

bool is_role_binding(std::string_view kind) {
  return kind == "RoleBinding" || kind == "ClusterRoleBinding";
}

// kustomize's SetEntry / SetEntryIfEmpty on a scalar node (null when a spec just created it).
void set_value(Json& node, const NamespaceConfig& config, std::string_view what) {
  if (node.is_object() || node.is_array()) {
    throw invalid_argument("namespace field specs must target scalar nodes (" + std::string(what) +
                           ")");
  }
  if (config.unset_only && !node.is_null() && !(node.is_string() && node.empty())) return;
  node = config.namespace_;
}

void set_subjects(Json& json, const NamespaceConfig& config) {
  if (config.subjects == RoleBindingSubjects::kNone) return;
  const auto subjects = json.find("subjects");
  if (subjects == json.end() || !subjects->is_array()) return;
  for (Json& subject : *subjects) {
    if (!subject.is_object()) continue;
    const char* const field =
        config.subjects == RoleBindingSubjects::kDefaultOnly ? "name" : "kind";
    const char* const wanted =
        config.subjects == RoleBindingSubjects::kDefaultOnly ? "default" : "ServiceAccount";
    const auto value = subject.find(field);
    if (value == subject.end() || !value->is_string() || *value != wanted) continue;
    Json& subject_namespace = subject["namespace"];
    set_value(subject_namespace, config, "subjects/namespace");
  }
}

}  // namespace

void set_namespace_configured(std::vector<Object>& objects, const NamespaceConfig& config) {
  if (config.namespace_.empty()) return;
  for (Object& object : objects) {
    const GroupVersionKind gvk = object.gvk();
    Json& json = object.json();
    if (!is_cluster_scoped(gvk.api_version(), gvk.kind)) {
      Json& metadata = json["metadata"];
      if (!metadata.is_object()) metadata = Json::object();
      set_value(metadata["namespace"], config, "metadata/namespace");
    }
    const bool role_binding = is_role_binding(gvk.kind);
    if (role_binding) set_subjects(json, config);
    for (const FieldSpec& spec : config.specs) {
      if (spec.path == "metadata/namespace") continue;
      if (spec.path == "metadata/name" && object.api_version() != "v1") continue;
      if (role_binding && is_role_binding(spec.kind) && spec.path == "subjects/namespace") {
        continue;
      }
      if (!selects(spec, gvk)) continue;
      for_each_field(json, spec, [&](Json& node) { set_value(node, config, spec.path); });
    }
  }
}

}  // namespace sluice::render::transformers
