#include "render/transformers/replacements.h"

#include <algorithm>
#include <cmath>
#include <string_view>

#include "core/error.h"
#include "core/yaml_resolve.h"
#include "render/resource_id.h"
#include "render/struct_fields.h"
#include "render/transformers/replacement_paths.h"

namespace sluice::render::transformers {
namespace {

using field_paths::is_scalar;
using field_paths::scalar_text;
using field_paths::TargetField;

constexpr std::string_view kDefaultFieldPath = "metadata.name";

// ---- parsing -------------------------------------------------------------------------------

bool present(const Json& item, std::string_view name) {
  const auto it = item.find(std::string(name));
  return it != item.end() && !it->is_null();
}

std::string string_of(const Json& item, std::string_view name) {
  if (!present(item, name)) return {};
  const Json& value = item.at(std::string(name));
  if (!value.is_string()) {
    throw invalid_argument("invalid Kustomization: replacements: field '" + std::string(name) +
                           "' must be a string");
  }
  return value.get<std::string>();
}

ResIdSelector parse_id(const Json& item) {
  return {string_of(item, "group"), string_of(item, "version"), string_of(item, "kind"),
          string_of(item, "name"), string_of(item, "namespace")};
}

ResourceSelector parse_selector(const Json& item, std::string_view what) {
  check_struct_fields(
      item, what,
      {"group", "version", "kind", "name", "namespace", "labelSelector", "annotationSelector"});
  return {parse_id(item), string_of(item, "labelSelector"), string_of(item, "annotationSelector")};
}

FieldOptions parse_options(const Json& item) {
  FieldOptions options;
  if (!present(item, "options")) return options;
  const Json& json = item.at("options");
  check_struct_fields(json, "options", {"delimiter", "index", "create"});
  options.delimiter = string_of(json, "delimiter");
  if (present(json, "index")) {
    const Json& index = json.at("index");
    const bool integral_float = index.is_number_float() &&
                                std::trunc(index.get<double>()) == index.get<double>() &&
                                std::abs(index.get<double>()) < 9.2e18;
    if (!index.is_number_integer() && !integral_float) {
      throw invalid_argument(
          "invalid Kustomization: json: cannot unmarshal into Go struct field "
          "FieldOptions.index of type int");
    }
    options.index =
        integral_float ? static_cast<std::int64_t>(index.get<double>()) : index.get<std::int64_t>();
  }
  if (present(json, "create")) {
    if (!json.at("create").is_boolean()) {
      throw invalid_argument("invalid Kustomization: replacements: 'create' must be true or false");
    }
    options.create = json.at("create").get<bool>();
  }
  return options;
}

ReplacementTarget parse_target(const Json& item) {
  check_struct_fields(item, "target", {"select", "reject", "fieldPaths", "options"});
  ReplacementTarget target;
  if (present(item, "select")) {
    target.has_select = true;
    target.select = parse_selector(item.at("select"), "select");
  }
  if (present(item, "reject")) {
    if (!item.at("reject").is_array()) {
      throw invalid_argument("invalid Kustomization: replacements: reject must be a list");
    }
    for (const Json& reject : item.at("reject")) {
      target.reject.push_back(parse_selector(reject, "reject"));
    }
  }
  if (present(item, "fieldPaths")) {
    const Json& paths = item.at("fieldPaths");
    if (!paths.is_array()) {
      throw invalid_argument("invalid Kustomization: replacements: fieldPaths must be a list");
    }
    for (const Json& path : paths) {
      if (!path.is_string()) {
        throw invalid_argument("invalid Kustomization: replacements: fieldPaths must be strings");
      }
      target.field_paths.push_back(path.get<std::string>());
    }
  }
  target.options = parse_options(item);
  return target;
}

// ---- values --------------------------------------------------------------------------------

std::string tag_of(const Json& value) {
  if (value.is_null()) return "!!null";
  if (value.is_boolean()) return "!!bool";
  if (value.is_number_integer()) return "!!int";
  if (value.is_number_float()) return "!!float";
  return "!!str";
}

// What yaml.v3 makes of `text` in a scalar that keeps the type of `target`.
Json typed_like(const Json& target, const std::string& text) {
  if (target.is_string()) return text;
  Json resolved = yaml_resolve::resolve_plain(text);
  const bool fits = target.is_number_float()
                        ? resolved.is_number()
                        : tag_of(resolved) == tag_of(target) && !resolved.is_string();
  if (!fits) {
    throw invalid_argument("map[string]interface {}(nil): yaml: cannot decode " + tag_of(resolved) +
                           " `" + text + "` as a " + tag_of(target));
  }
  return resolved;
}

void set_target(const FieldOptions& options, const TargetField& field, const Json& value) {
  Json& target = *field.node;
  std::string text = scalar_text(value);
  if (!options.delimiter.empty()) {
    if (!is_scalar(target)) {
      throw invalid_argument("delimiter option can only be used with scalar nodes");
    }
    std::vector<std::string> pieces;
    const std::string current =
        field.created && !field.scalar_only ? std::string() : scalar_text(target);
    for (std::size_t start = 0;;) {
      const std::size_t at = current.find(options.delimiter, start);
      pieces.push_back(current.substr(start, at - start));
      if (at == std::string::npos) break;
      start = at + options.delimiter.size();
    }
    if (options.index < 0) {
      pieces.insert(pieces.begin(), text);
    } else if (static_cast<std::size_t>(options.index) >= pieces.size()) {
      pieces.push_back(text);
    } else {
      pieces[static_cast<std::size_t>(options.index)] = text;
    }
    text.clear();
    for (std::size_t i = 0; i < pieces.size(); ++i) {
      text += (i == 0 ? "" : options.delimiter) + pieces[i];
    }
  } else if (!is_scalar(value) && ((field.created && !field.scalar_only) || !is_scalar(target))) {
    target = value;
    return;
  }
  if (field.created) {
    target = field.scalar_only && text.empty() ? (field.empty_is_null ? Json(nullptr) : Json(""))
                                               : yaml_resolve::resolve_plain(text);
  } else if (is_scalar(target)) {
    target = typed_like(target, text);
  } else {
    target = value;  // a map or list target takes the source node
  }
}

// ---- selection -----------------------------------------------------------------------------

struct Id {
  std::string name;
  std::string namespace_;
};

std::vector<Id> ids_of(const Object& object, const std::vector<OriginalId>* previous) {
  std::vector<Id> ids{{object.name(), object.namespace_name()}};
  if (previous != nullptr) {
    for (const OriginalId& id : *previous) ids.push_back({id.name, id.namespace_});
  }
  return ids;
}

// kustomize's ResId.IsSelectedBy.
bool selected_by(const Object& object, const Id& id, const ResIdSelector& selector) {
  const GroupVersionKind gvk = object.gvk();
  if (!selector.group.empty() && selector.group != gvk.group) return false;
  if (!selector.version.empty() && selector.version != gvk.version) return false;
  if (!selector.kind.empty() && selector.kind != gvk.kind) return false;
  if (!selector.name.empty() && selector.name != id.name) return false;
  if (selector.namespace_.empty()) return true;
  // kustomize builds these ids without looking the kind up, so even cluster-scoped resources
  // count as being in "default" here.
  const auto effective = [](const std::string& namespace_) {
    return namespace_.empty() ? std::string("default") : namespace_;
  };
  return effective(id.namespace_) == effective(selector.namespace_);
}

std::string describe(const ResIdSelector& selector) {
  return ResourceId{
      {selector.group, selector.version, selector.kind}, selector.namespace_, selector.name}
      .to_string();
}

// kustomize's SourceSelector.String: the id, then the fieldPath as written.
std::string describe_source(const Replacement& replacement) {
  return describe(replacement.source) + (replacement.source_field_path.empty()
                                             ? std::string()
                                             : ":" + replacement.source_field_path);
}

bool matches_meta_selectors(const Object& object, const ResourceSelector& selector) {
  if (!selector.annotation_selector.empty() &&
      !matches_label_selector(selector.annotation_selector, object.annotations())) {
    return false;
  }
  return selector.label_selector.empty() ||
         matches_label_selector(selector.label_selector, object.labels());
}

bool is_target(const Object& object, const std::vector<Id>& ids, const ReplacementTarget& target) {
  if (!matches_meta_selectors(object, target.select)) return false;
  for (const ResourceSelector& reject : target.reject) {
    if (reject.label_selector.empty() && reject.annotation_selector.empty()) continue;
    if (matches_meta_selectors(object, reject)) return false;
  }
  // A reject matching any of the ids, an earlier name included, rejects the resource.
  const bool rejected =
      std::any_of(target.reject.begin(), target.reject.end(), [&](const ResourceSelector& reject) {
        return !reject.id.empty() && std::any_of(ids.begin(), ids.end(), [&](const Id& id) {
          return selected_by(object, id, reject.id);
        });
      });
  if (rejected) return false;
  return std::any_of(ids.begin(), ids.end(),
                     [&](const Id& id) { return selected_by(object, id, target.select.id); });
}

Json source_value(const std::vector<Object>& objects,
                  const std::vector<std::vector<OriginalId>>* previous_ids,
                  const Replacement& replacement) {
  const Object* source = nullptr;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    const auto ids = ids_of(objects[i], previous_ids ? &(*previous_ids)[i] : nullptr);
    const bool selected = std::any_of(ids.begin(), ids.end(), [&](const Id& id) {
      return selected_by(objects[i], id, replacement.source);
    });
    if (!selected) continue;
    if (source != nullptr) {
      throw invalid_argument("multiple matches for selector " + describe_source(replacement));
    }
    source = &objects[i];
  }
  if (source == nullptr) {
    throw invalid_argument("nothing selected by " + describe_source(replacement));
  }
  const std::string path = replacement.source_field_path.empty() ? std::string(kDefaultFieldPath)
                                                                 : replacement.source_field_path;
  const Json* found = nullptr;
  try {
    found = field_paths::lookup(source->json(), field_paths::split_path(path));
  } catch (const Error& e) {
    throw invalid_argument("error looking up replacement source: " + e.message());
  }
  // kyaml's IsNilOrEmpty: null, {} and [] count as missing.
  if (found == nullptr || found->is_null() ||
      ((found->is_object() || found->is_array()) && found->empty())) {
    throw invalid_argument("fieldPath `" + path + "` is missing for replacement source " +
                           describe(replacement.source));
  }
  const FieldOptions& options = replacement.source_options;
  if (options.delimiter.empty()) return *found;
  if (!is_scalar(*found)) {
    throw invalid_argument("delimiter option can only be used with scalar nodes");
  }
  const std::string text = scalar_text(*found);
  std::vector<std::string> pieces;
  for (std::size_t start = 0;;) {
    const std::size_t at = text.find(options.delimiter, start);
    pieces.push_back(text.substr(start, at - start));
    if (at == std::string::npos) break;
    start = at + options.delimiter.size();
  }
  if (options.index < 0 || static_cast<std::size_t>(options.index) >= pieces.size()) {
    throw invalid_argument("options.index " + std::to_string(options.index) +
                           " is out of bounds for value " + text);
  }
  // The piece keeps the source's type, as kustomize copies the node and changes its text.
  return typed_like(*found, pieces[static_cast<std::size_t>(options.index)]);
}

void apply_to_object(Object& object, const ReplacementTarget& target, const Json& value) {
  std::vector<std::string> paths = target.field_paths;
  if (paths.empty()) paths.emplace_back(kDefaultFieldPath);
  const bool create = target.options.create;
  for (const std::string& path : paths) {
    const std::string what =
        std::string(create ? "unable to find or create field \"" : "unable to find field \"") +
        path + "\" in replacement target";
    std::vector<TargetField> fields;
    try {
      fields = field_paths::match_targets(object.json(), field_paths::split_path(path), create);
    } catch (const Error& e) {
      throw invalid_argument(what + ": " + e.message());
    }
    if (fields.empty()) throw invalid_argument(what);
    for (const TargetField& field : fields) set_target(target.options, field, value);
  }
}

}  // namespace

Replacement parse_replacement(const Json& item) {
  check_struct_fields(item, "replacement", {"source", "targets"});
  Replacement replacement;
  if (present(item, "source")) {
    const Json& source = item.at("source");
    check_struct_fields(source, "source",
                        {"group", "version", "kind", "name", "namespace", "fieldPath", "options"});
    replacement.has_source = true;
    replacement.source = parse_id(source);
    replacement.source_field_path = string_of(source, "fieldPath");
    replacement.source_options = parse_options(source);
  }
  if (present(item, "targets")) {
    if (!item.at("targets").is_array()) {
      throw invalid_argument("invalid Kustomization: replacements: targets must be a list");
    }
    for (const Json& target : item.at("targets")) {
      replacement.targets.push_back(parse_target(target));
    }
  }
  return replacement;
}

std::vector<Replacement> parse_replacement_file(const Json& document) {
  std::vector<Replacement> out;
  if (document.is_object()) {
    out.push_back(parse_replacement(document));
  } else if (document.is_array()) {
    for (const Json& item : document) out.push_back(parse_replacement(item));
  } else {
    throw invalid_argument("unsupported replacement type encountered within replacement path");
  }
  return out;
}

void apply_replacements(std::vector<Object>& objects, const std::vector<Replacement>& replacements,
                        const std::vector<std::vector<OriginalId>>* previous_ids) {
  for (const Replacement& replacement : replacements) {
    if (!replacement.has_source || replacement.targets.empty()) {
      throw invalid_argument("replacements must specify a source and at least one target");
    }
    const Json value = source_value(objects, previous_ids, replacement);
    for (const ReplacementTarget& target : replacement.targets) {
      if (!target.has_select) throw invalid_argument("target must specify resources to select");
      for (std::size_t i = 0; i < objects.size(); ++i) {
        const auto ids = ids_of(objects[i], previous_ids ? &(*previous_ids)[i] : nullptr);
        if (is_target(objects[i], ids, target)) apply_to_object(objects[i], target, value);
      }
    }
  }
}

}  // namespace sluice::render::transformers
