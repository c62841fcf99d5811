#include "controller/application_render.h"

#include <map>

#include "api/group.h"
#include "controller/policy_inputs.h"
#include "render/builder.h"
#include "render/post_build.h"
#include "render/transformers/namespace.h"

namespace sluice::controller {

std::filesystem::path folder_in(const std::filesystem::path& root, const std::string& path) {
  std::filesystem::path relative = std::filesystem::path(path).relative_path().lexically_normal();
  if (relative.empty() || relative == ".") return root;
  if (*relative.begin() == "..") {
    throw Error(ErrorCode::kPermissionDenied, "spec.path \"" + path + "\" leaves the repository");
  }
  return root / relative;
}

StringMap read_substitutions(const kube::Client& client, const std::string& ns,
                             const api::ApplicationSpec& spec) {
  StringMap variables;
  for (const api::SubstituteReference& from : spec.substitute_from) {
    const bool secret = from.kind == "Secret";
    const kube::Resource resource = secret ? kube::secrets() : kube::configmaps();
    Json object;
    try {
      object = client.get(resource, ns, from.name);
    } catch (const Error& e) {
      if (e.code() == ErrorCode::kNotFound && from.optional) continue;
      throw e.with_context("postBuild.substituteFrom " + from.kind + " " + from.name);
    }
    for (const char* field : {"data", "binaryData"}) {
      const Json* data = find_member(object, {field});
      if (data == nullptr || !data->is_object()) continue;
      for (const auto& [key, unused] : data->items()) {
        if (auto value =
                data_value(object, key, secret ? DataSource::kSecret : DataSource::kConfigMap)) {
          variables[key] = std::move(*value);
        }
      }
    }
  }
  for (const auto& [key, value] : spec.substitute) variables[key] = value;
  render::validate_variable_names(variables);
  return variables;
}

std::vector<Object> render_manifests(const std::filesystem::path& root,
                                     const std::filesystem::path& dir,
                                     const api::ApplicationSpec& spec, const StringMap& variables) {
  render::BuildOptions options;
  options.root = root;
  std::vector<Object> objects = render::build(dir, options);
  render::substitute_variables(objects, variables);
  if (!spec.target_namespace.empty()) {
    render::transformers::set_namespace(objects, spec.target_namespace);
  }
  return objects;
}

void prepare_manifests(kube::RestMapper& mapper, const Object& application,
                       std::vector<Object>& objects) {
  // Scopes of kinds defined in this very revision (their CRDs are not served yet).
  std::map<GroupKind, bool> namespaced;
  for (const Object& object : objects) {
    if (object.gvk().group_kind() !=
        GroupKind{"apiextensions.k8s.io", "CustomResourceDefinition"}) {
      continue;
    }
    const Json& crd = object.json();
    namespaced[GroupKind{string_member(crd, {"spec", "group"}),
                         string_member(crd, {"spec", "names", "kind"})}] =
        string_member(crd, {"spec", "scope"}) != "Cluster";
  }
  const std::string app_ns = application.namespace_name();
  for (Object& object : objects) {
    const GroupVersionKind gvk = object.gvk();
    if (gvk.kind.empty() || gvk.version.empty() || object.name().empty()) {
      throw invalid_argument("an object without apiVersion, kind or metadata.name: " +
                             object.json().dump().substr(0, 200));
    }
    auto scope = namespaced.find(gvk.group_kind());
    if (scope == namespaced.end()) {
      bool is_namespaced = true;  // unknown kinds: their apply will say what is wrong
      try {
        is_namespaced = mapper.resource_for(gvk).namespaced;
      } catch (const Error& e) {
        if (e.code() != ErrorCode::kNotFound) throw;
      }
      scope = namespaced.emplace(gvk.group_kind(), is_namespaced).first;
    }
    if (!scope->second) {
      object.set_namespace("");
    } else if (object.namespace_name().empty()) {
      object.set_namespace(app_ns);
    }
    object.set_label(api::label::kApplicationName, application.name());
    object.set_label(api::label::kApplicationNamespace, app_ns);
  }
}

}  // namespace sluice::controller
