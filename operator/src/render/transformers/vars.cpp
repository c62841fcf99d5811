#include "render/transformers/vars.h"

#include <algorithm>
#include <array>
#include <map>
#include <string_view>

#include "core/error.h"
#include "core/go_format.h"
#include "render/hidden_keys.h"
#include "render/resource_id.h"
#include "render/struct_fields.h"
#include "render/transformers/replacement_paths.h"

namespace sluice::render::transformers {
namespace {

// Where a resource remembers the vars bound to it between bind_vars and resolve_vars, like
// the builder's other hidden bookkeeping (never printed).

constexpr std::array<std::string_view, 4> kContainerFields = {"args", "command", "env/value",
                                                              "volumeMounts/mountPath"};

}  // namespace

const std::vector<FieldSpec>& var_reference_field_specs() {
  static const std::vector<FieldSpec> table = [] {
    std::vector<FieldSpec> out;
    const auto add = [&out](const std::string& kind, const std::string& path) {
      out.push_back({"", "", kind, path, false});
    };
    const auto pod = [&add](const std::string& kind, const std::string& spec) {
      for (const char* list : {"containers", "initContainers"}) {
        for (const std::string_view field : kContainerFields) {
          add(kind, spec + "/" + list + "/" + std::string(field));
        }
      }
    };
    pod("CronJob", "spec/jobTemplate/spec/template/spec");
    // Sic: kustomize's table misses the pod spec's "spec/" here.
    add("CronJob", "spec/jobTemplate/spec/template/volumes/nfs/server");
    pod("DaemonSet", "spec/template/spec");
    add("DaemonSet", "spec/template/spec/volumes/nfs/server");
    pod("Deployment", "spec/template/spec");
    add("Deployment", "spec/template/spec/volumes/nfs/server");
    add("Deployment", "spec/template/metadata/annotations");
    add("Ingress", "spec/rules/host");
    add("Ingress", "spec/tls/hosts");
    add("Ingress", "spec/tls/secretName");
    pod("Job", "spec/template/spec");
    add("Job", "spec/template/spec/volumes/nfs/server");
    pod("Pod", "spec");
    add("Pod", "spec/volumes/nfs/server");
    pod("ReplicaSet", "spec/template/spec");
    add("ReplicaSet", "spec/template/spec/volumes/nfs/server");
    add("Service", "spec/ports/port");
    add("Service", "spec/ports/targetPort");
    pod("StatefulSet", "spec/template/spec");
    add("StatefulSet", "spec/volumeClaimTemplates/spec/nfs/server");
    add("PersistentVolume", "spec/nfs/server");
    add("", "metadata/labels");
    add("", "metadata/annotations");
    return out;
  }();
  return table;
}

namespace {

std::string string_of(const Json& item, std::string_view name) {
  const auto it = item.find(std::string(name));
  if (it == item.end() || it->is_null()) return {};
  if (!it->is_string()) {
    throw invalid_argument("invalid Kustomization: vars: field '" + std::string(name) +
                           "' must be a string");
  }
  return it->get<std::string>();
}

std::string field_path(const Var& var) {
  return var.field_path.empty() ? std::string("metadata.name") : var.field_path;
}

// Go's %v of a types.Var, as kustomize's messages print it: "{DB Service.v1.[noGrp] {path}}".
std::string describe(const Var& var) {
  const auto or_none = [](const std::string& text, const char* none) {
    return text.empty() ? std::string(none) : text;
  };
  return "{" + var.name + " " + or_none(var.kind, "[noKind]") + "." +
         or_none(var.version, "[noVer]") + "." + or_none(var.group, "[noGrp]") + " {" +
         field_path(var) + "}}";
}

bool is_bound_to(const Json& object, const std::string& name) {
  const auto it = object.find(kBoundVarsKey);
  if (it == object.end() || !it->is_array()) return false;
  return std::find(it->begin(), it->end(), name) != it->end();
}

// kyaml's RNode.GetFieldValue: plain dots (no escapes or brackets holding dots), "name[2]"
// indexing a list, then kyaml's PathGetter.
const Json* field_at(const Json& root, const std::string& path) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = path.find('.', start);
    std::string part = path.substr(start, dot - start);
    // "ports[0]" is the field ports, then element 0.
    const std::size_t open = part.rfind('[');
    const bool indexed = part.ends_with(']') && open != std::string::npos &&
                         open + 2 < part.size() &&
                         std::all_of(part.begin() + static_cast<std::ptrdiff_t>(open) + 1,
                                     part.end() - 1, [](char c) { return c >= '0' && c <= '9'; });
    if (indexed) {
      if (open > 0) parts.push_back(part.substr(0, open));
      parts.push_back(part.substr(open + 1, part.size() - open - 2));
    } else {
      parts.push_back(std::move(part));
    }
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  try {
    return field_paths::lookup(root, parts);
  } catch (const Error&) {
    return nullptr;  // kustomize reports a path through the wrong kind of node as not found
  }
}

std::string as_text(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (value.is_number_unsigned()) return std::to_string(value.get<std::uint64_t>());
  if (value.is_number_integer()) return std::to_string(value.get<std::int64_t>());
  if (value.is_number_float()) return goyaml::format_float_g(value.get<double>());
  return "null";
}

class Expander {
 public:
  explicit Expander(const std::map<std::string, Json, std::less<>>& values) : values_(values) {}

  // kustomize's refvar DoReplacements: $(NAME) from the map, $$ to $, anything else as is.
  Json expand(const std::string& input) {
    std::string out;
    std::size_t checkpoint = 0;
    for (std::size_t cursor = 0; cursor < input.size(); ++cursor) {
      if (input[cursor] != '$' || cursor + 1 >= input.size()) continue;
      out.append(input, checkpoint, cursor - checkpoint);
      const char next = input[cursor + 1];
      std::size_t advance = 1;
      if (next == '$') {
        out += '$';
      } else if (next == '(') {
        const std::size_t close = input.find(')', cursor + 2);
        if (close == std::string::npos) {
          out += "$(";
        } else {
          const std::string name = input.substr(cursor + 2, close - cursor - 2);
          advance = close - cursor;
          const auto found = values_.find(name);
          if (found == values_.end()) {
            if (input.size() == name.size() + 3) return input;
            out += "$(" + name + ")";
          } else {
            ++used_[name];
            if (input.size() == name.size() + 3) return found->second;
            out += as_text(found->second);
          }
        }
      } else {
        out += '$';
        out += next;
      }
      cursor += advance;
      checkpoint = cursor + 1;
    }
    out.append(input, std::min(checkpoint, input.size()));
    return out;
  }

  bool used(const std::string& name) const { return used_.contains(name); }

 private:
  const std::map<std::string, Json, std::less<>>& values_;
  std::map<std::string, int, std::less<>> used_;
};

// kustomize's refvar filter on the node a field spec reaches.
void replace_in(Json& node, Expander& expander, bool annotations) {
  const auto replaced = [&](const Json& value) {
    Json result = expander.expand(value.get<std::string>());
    // Annotations are strings in kustomize's output whatever the var's type.
    if (annotations && !result.is_string()) result = as_text(result);
    return result;
  };
  if (node.is_string()) {
    node = replaced(node);
  } else if (node.is_object()) {
    for (auto& [key, value] : node.items()) {
      if (value.is_string()) value = replaced(value);
    }
  } else if (node.is_array()) {
    for (Json& item : node) {
      if (!item.is_string()) throw invalid_argument("invalid value type expect a string");
      item = replaced(item);
    }
  }
}

void walk(Json& node, const std::vector<std::string>& parts, std::size_t at, Expander& expander,
          bool annotations) {
  if (at == parts.size()) {
    replace_in(node, expander, annotations);
    return;
  }
  if (node.is_array()) {
    for (Json& element : node) walk(element, parts, at, expander, annotations);
    return;
  }
  if (!node.is_object()) return;
  auto& fields = node.get_ref<Json::object_t&>();
  const auto it = fields.find(parts[at]);
  if (it == fields.end() || it->second.is_null()) return;
  walk(it->second, parts, at + 1, expander, annotations);
}

}  // namespace

std::vector<Var> parse_vars(const Json& value) {
  if (!value.is_array()) throw invalid_argument("invalid Kustomization: vars must be a list");
  std::vector<Var> vars;
  for (const Json& item : value) {
    check_struct_fields(item, "vars", {"name", "objref", "fieldref"});
    Var var;
    var.name = string_of(item, "name");
    if (item.contains("objref") && !item.at("objref").is_null()) {
      const Json& ref = item.at("objref");
      check_struct_fields(ref, "vars",
                          {"apiVersion", "group", "version", "kind", "name", "namespace"});
      var.group = string_of(ref, "group");
      var.version = string_of(ref, "version");
      var.kind = string_of(ref, "kind");
      var.object_name = string_of(ref, "name");
      var.namespace_ = string_of(ref, "namespace");
      const std::string api_version = string_of(ref, "apiVersion");
      if (!api_version.empty()) {
        const std::size_t slash = api_version.find('/');
        if (slash == std::string::npos) {
          var.version = api_version;
        } else if (api_version.find('/', slash + 1) == std::string::npos) {
          var.group = api_version.substr(0, slash);
          var.version = api_version.substr(slash + 1);
        }
      }
    }
    if (item.contains("fieldref") && !item.at("fieldref").is_null()) {
      check_struct_fields(item.at("fieldref"), "vars", {"fieldPath"});
      var.field_path = string_of(item.at("fieldref"), "fieldPath");
    }
    vars.push_back(std::move(var));
  }
  return vars;
}

void merge_vars(std::vector<Var>& all, const std::vector<Var>& incoming) {
  for (const Var& var : incoming) {
    const bool known = std::any_of(all.begin(), all.end(),
                                   [&](const Var& other) { return other.name == var.name; });
    if (known) throw invalid_argument("var '" + var.name + "' already encountered");
    all.push_back(var);
  }
}

void bind_vars(std::vector<Object>& objects, const std::vector<Var>& vars,
               const std::vector<std::vector<OriginalId>>& previous_ids) {
  for (const Var& var : vars) {
    const GroupVersionKind wanted{var.group, var.version, var.kind};
    std::vector<std::size_t> matched;
    for (std::size_t i = 0; i < objects.size(); ++i) {
      const GroupVersionKind gvk = objects[i].gvk();
      if (gvk != wanted) continue;
      std::vector<OriginalId> ids{{objects[i].name(), objects[i].namespace_name()}};
      if (i < previous_ids.size()) {
        ids.insert(ids.end(), previous_ids[i].begin(), previous_ids[i].end());
      }
      const bool any = std::any_of(ids.begin(), ids.end(), [&](const OriginalId& id) {
        if (id.name != var.object_name) return false;
        // The objref's own namespace is taken as written (kustomize does not look its kind
        // up), so a namespace never matches a cluster-scoped resource.
        return var.namespace_.empty() ||
               ResourceId{gvk, id.namespace_, id.name}.effective_namespace() == var.namespace_;
      });
      if (any) matched.push_back(i);
    }
    if (matched.size() > 1) {
      throw invalid_argument("found " + std::to_string(matched.size()) + " resId matches for var " +
                             describe(var) + " (unable to disambiguate)");
    }
    if (matched.size() == 1) {
      Json& bound = objects[matched.front()].json()[std::string(kBoundVarsKey)];
      if (!bound.is_array()) bound = Json::array();  // only a patch could have put else there
      bound.push_back(var.name);
    }
  }
}

void resolve_vars(std::vector<Object>& objects, const std::vector<Var>& vars,
                  const std::vector<FieldSpec>& field_specs, std::vector<std::string>* warnings) {
  std::vector<Var> sorted = vars;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Var& a, const Var& b) { return a.name < b.name; });
  std::map<std::string, Json, std::less<>> values;
  std::vector<std::string> unusable;  // map and list values never replace anything
  for (const Var& var : sorted) {
    const Object* bound = nullptr;
    for (const Object& object : objects) {
      if (is_bound_to(object.json(), var.name)) bound = &object;
    }
    if (bound == nullptr) {
      throw invalid_argument("var '" + describe(var) +
                             "' cannot be mapped to a field in the set of known resources");
    }
    const Json* value = field_at(bound->json(), field_path(var));
    if (value == nullptr) {
      throw invalid_argument("field specified in var '" + describe(var) +
                             "' not found in corresponding resource");
    }
    if (value->is_object() || value->is_array()) {
      unusable.push_back(var.name);
    } else {
      values[var.name] = value->is_null() ? Json("null") : *value;
    }
  }
  for (Object& object : objects) object.json().erase(std::string(kBoundVarsKey));
  if (sorted.empty()) return;

  Expander expander(values);
  std::vector<std::vector<std::string>> paths;
  paths.reserve(field_specs.size());
  for (const FieldSpec& spec : field_specs) paths.push_back(path_keys(spec.path));
  for (Object& object : objects) {
    const GroupVersionKind gvk = object.gvk();
    for (std::size_t i = 0; i < field_specs.size(); ++i) {
      const FieldSpec& spec = field_specs[i];
      if (!selects(spec, gvk)) continue;
      try {
        walk(object.json(), paths[i], 0, expander, spec.path == "metadata/annotations");
      } catch (const Error& e) {
        throw invalid_argument("considering field '" + spec.path + "' of object " +
                               ResourceId::of(object).to_string() + ": " + e.message());
      }
    }
  }
  std::string unused;
  for (const Var& var : sorted) {
    if (expander.used(var.name)) continue;
    unused += (unused.empty() ? "" : ",") + var.name;
  }
  if (!unused.empty() && warnings != nullptr) {
    warnings->push_back("well-defined vars that were never replaced: " + unused);
  }
}

}  // namespace sluice::render::transformers
