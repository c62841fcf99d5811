#include "render/transformer_config.h"

#include <algorithm>
#include <array>

#include "core/error.h"
#include "core/yaml_reader.h"
#include "render/kustomization_go_types.h"
#include "render/transformers/annotations.h"
#include "render/transformers/images.h"
#include "render/transformers/labels.h"
#include "render/transformers/vars.h"

namespace sluice::render {
namespace {

using transformers::NameBackReference;

// kustomize recurses through `$ref`s without a bound; sluice refuses chains this deep, and
// definitions that reach more properties than this through them (a few definitions each
// referring to the next several times make the walk exponential).
constexpr std::size_t kMaxRefDepth = 64;
constexpr std::size_t kMaxPropertyVisits = 100'000;

bool same_gvk(const NameBackReference& a, const NameBackReference& b) {
  return a.group == b.group && a.version == b.version && a.kind == b.kind;
}

// kustomize's FieldSpec.effectivelyEquals: `incoming`'s gvk, read as a selector, selects the
// existing spec's gvk, and the paths are equal.
bool effectively_equal(const FieldSpec& existing, const FieldSpec& incoming) {
  return existing.path == incoming.path &&
         selects(incoming, GroupVersionKind{existing.group, existing.version, existing.kind});
}

void merge_all(std::vector<FieldSpec>& specs, const std::vector<FieldSpec>& incoming) {
  for (const FieldSpec& spec : incoming) TransformerConfig::merge_one(specs, spec);
}

// The field spec lists of a config, for what is done to each alike.
constexpr std::array<std::vector<FieldSpec> TransformerConfig::*, 10> kSpecLists = {
    &TransformerConfig::name_prefix,
    &TransformerConfig::name_suffix,
    &TransformerConfig::name_space,
    &TransformerConfig::common_labels,
    &TransformerConfig::labels,
    &TransformerConfig::template_labels,
    &TransformerConfig::common_annotations,
    &TransformerConfig::var_reference,
    &TransformerConfig::images,
    &TransformerConfig::replicas,
};

// --- crds ---

class CrdLoader {
 public:
  CrdLoader(const Json& definitions, TransformerConfig& config)
      : definitions_(definitions), config_(config) {}

  void load(const std::string& kind, const std::string& type_name, std::vector<std::string>& path,
            std::size_t depth) {
    if (depth > kMaxRefDepth) {
      throw resource_exhausted("definition '" + type_name + "': $ref chain deeper than " +
                               std::to_string(kMaxRefDepth));
    }
    const auto definition = definitions_.find(type_name);
    if (definition == definitions_.end()) return;
    const Json& properties = properties_of(*definition, type_name);
    for (const auto& [name, property] : properties.items()) {
      if (++visits_ > kMaxPropertyVisits) {
        throw resource_exhausted("definitions reach more than " +
                                 std::to_string(kMaxPropertyVisits) + " properties through $refs");
      }
      path.push_back(name);
      const FieldSpec spec{"", "", kind, joined(path), false};
      if (extension(property, "x-kubernetes-annotation")) {
        TransformerConfig::merge_one(config_.common_annotations, spec);
      }
      if (extension(property, "x-kubernetes-label-selector")) {
        TransformerConfig::merge_one(config_.common_labels, spec);
      }
      if (extension(property, "x-kubernetes-identity")) {
        TransformerConfig::merge_one(config_.name_prefix, spec);
      }
      const std::optional<std::string> version =
          extension(property, "x-kubernetes-object-ref-api-version");
      const std::optional<std::string> referred_kind =
          extension(property, "x-kubernetes-object-ref-kind");
      if (version && referred_kind) {
        const std::string name_key =
            extension(property, "x-kubernetes-object-ref-name-key").value_or("name");
        NameBackReference entry{"", *version, *referred_kind, {}};
        entry.referrers.push_back({"", "", kind, spec.path + "/" + name_key, false});
        TransformerConfig::merge_name_reference(config_.name_reference, entry);
      }
      const auto ref = property.find("$ref");
      if (ref != property.end() && !ref->is_null()) {
        if (!ref->is_string()) throw invalid_argument("property '" + name + "': $ref not a string");
        const std::string& target = ref->get_ref<const std::string&>();
        if (!target.empty()) load(kind, target, path, depth + 1);
      }
      path.pop_back();
    }
  }

  // The properties of a definition's Schema ("Schema" matched case-insensitively, as Go's
  // encoding/json matches field names); an empty object when there are none.
  static const Json& properties_of(const Json& definition, const std::string& type_name) {
    static const Json none = Json::object();
    if (definition.is_null()) return none;
    if (!definition.is_object()) {
      throw invalid_argument("definition '" + type_name + "' is not a map");
    }
    const Json* schema = nullptr;
    for (const auto& [key, value] : definition.items()) {
      if (lowered(key) == "schema") schema = &value;
    }
    if (schema == nullptr || schema->is_null()) return none;
    if (!schema->is_object()) {
      throw invalid_argument("definition '" + type_name + "': Schema is not a map");
    }
    const auto properties = schema->find("properties");
    if (properties == schema->end() || properties->is_null()) return none;
    if (!properties->is_object()) {
      throw invalid_argument("definition '" + type_name + "': properties is not a map");
    }
    for (const auto& [name, property] : properties->items()) {
      if (!property.is_object()) {
        throw invalid_argument("definition '" + type_name + "': property '" + name +
                               "' is not a map");
      }
    }
    return *properties;
  }

 private:
  // An extension counts only with a string value (kustomize's Extensions.GetString).
  static std::optional<std::string> extension(const Json& property, const char* key) {
    const auto it = property.find(key);
    if (it == property.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
  }

  static std::string lowered(std::string text) {
    for (char& c : text) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return text;
  }

  static std::string joined(const std::vector<std::string>& path) {
    std::string out;
    for (const std::string& key : path) {
      if (!out.empty()) out += '/';
      out += key;
    }
    return out;
  }

  const Json& definitions_;
  TransformerConfig& config_;
  std::size_t visits_ = 0;
};

bool looks_like_k8s_type(const Json& properties) {
  return properties.contains("kind") && properties.contains("apiVersion") &&
         properties.contains("metadata");
}

// --- configurations ---

std::string spec_string(const Json& spec, const char* key, const std::string& where) {
  const auto it = spec.find(key);
  if (it == spec.end() || it->is_null()) return {};
  if (!it->is_string()) throw invalid_argument(where + ": " + key + " must be a string");
  return it->get<std::string>();
}

std::vector<FieldSpec> field_specs(const Json& list, const std::string& where) {
  std::vector<FieldSpec> specs;
  if (list.is_null()) return specs;
  if (!list.is_array()) throw invalid_argument(where + " must be a list");
  for (const Json& item : list) {
    if (!item.is_object()) throw invalid_argument(where + ": a field spec must be a map");
    for (const auto& [key, value] : item.items()) {
      static constexpr std::array<std::string_view, 5> kKeys = {"group", "version", "kind", "path",
                                                                "create"};
      if (std::find(kKeys.begin(), kKeys.end(), key) == kKeys.end()) {
        throw invalid_argument(where + ": unknown field \"" + key + "\"");
      }
      if (key == "create" && !value.is_null() && !value.is_boolean()) {
        throw invalid_argument(where + ": create must be a boolean");
      }
    }
    const auto create = item.find("create");
    specs.push_back({spec_string(item, "group", where), spec_string(item, "version", where),
                     spec_string(item, "kind", where), spec_string(item, "path", where),
                     create != item.end() && create->is_boolean() && create->get<bool>()});
  }
  return specs;
}

std::vector<NameBackReference> name_references(const Json& list, const std::string& where) {
  std::vector<NameBackReference> entries;
  if (list.is_null()) return entries;
  if (!list.is_array()) throw invalid_argument(where + " must be a list");
  for (const Json& item : list) {
    if (!item.is_object()) throw invalid_argument(where + ": an entry must be a map");
    NameBackReference entry;
    for (const auto& [key, value] : item.items()) {
      if (key == "group" || key == "version" || key == "kind") continue;
      if (key != "fieldSpecs") throw invalid_argument(where + ": unknown field \"" + key + "\"");
      entry.referrers = field_specs(value, where + ".fieldSpecs");
    }
    entry.group = spec_string(item, "group", where);
    entry.version = spec_string(item, "version", where);
    entry.kind = spec_string(item, "kind", where);
    entries.push_back(std::move(entry));
  }
  return entries;
}

}  // namespace

namespace {

// The namespace and replicas transformers keep their built-in behaviour, so a
// `configurations` file may only repeat their defaults.
void refuse_undriven(const std::vector<FieldSpec>& specs,
                     std::vector<FieldSpec> TransformerConfig::*list, const char* key,
                     const std::string& display) {
  const std::vector<FieldSpec>& defaults = TransformerConfig::defaults().*list;
  for (const FieldSpec& spec : specs) {
    const bool known = std::any_of(defaults.begin(), defaults.end(),
                                   [&](const FieldSpec& d) { return effectively_equal(d, spec); });
    if (!known) {
      throw unimplemented(display + ": sluice does not support '" + key +
                          "' field specs in configurations yet (path '" + spec.path + "')");
    }
  }
}

}  // namespace

const TransformerConfig& TransformerConfig::defaults() {
  static const TransformerConfig config = [] {
    TransformerConfig out;
    out.name_prefix = {{"", "", "", "metadata/name", false}};
    out.name_suffix = out.name_prefix;
    out.common_labels = transformers::common_label_field_specs();
    out.template_labels = transformers::template_label_field_specs();
    out.common_annotations = transformers::annotation_field_specs();
    out.name_reference = transformers::default_name_references();
    out.images = transformers::image_field_specs();
    out.var_reference = transformers::var_reference_field_specs();
    // Not driven from the config yet (config_from_file refuses more), but kept for merges.
    out.name_space = {
        {"", "", "Namespace", "metadata/name", true},
        {"apiregistration.k8s.io", "", "APIService", "spec/service/namespace", true},
        {"apiextensions.k8s.io", "", "CustomResourceDefinition",
         "spec/conversion/webhook/clientConfig/service/namespace", false},
    };
    for (const char* kind : {"Deployment", "ReplicationController", "ReplicaSet", "StatefulSet"}) {
      out.replicas.push_back({"", "", kind, "spec/replicas", true});
    }
    // As merging the tables into an empty config leaves them (kustomize's first MergeConfig),
    // so that merge() may copy them instead.
    for (const auto list : kSpecLists) {
      std::vector<FieldSpec> merged;
      merge_all(merged, out.*list);
      sort_field_specs(merged);
      out.*list = std::move(merged);
    }
    out.includes_defaults = true;
    return out;
  }();
  return config;
}

void TransformerConfig::merge_one(std::vector<FieldSpec>& specs, const FieldSpec& spec) {
  for (const FieldSpec& existing : specs) {
    if (!effectively_equal(existing, spec)) continue;
    if (existing.create != spec.create) {
      throw invalid_argument("conflicting fieldspecs (path '" + spec.path + "'" +
                             (spec.kind.empty() ? "" : " of kind " + spec.kind) + ")");
    }
    return;
  }
  specs.push_back(spec);
}

void TransformerConfig::merge_name_reference(std::vector<NameBackReference>& entries,
                                             const NameBackReference& entry) {
  bool found = false;
  for (NameBackReference& existing : entries) {
    if (!same_gvk(existing, entry)) continue;
    merge_all(existing.referrers, entry.referrers);
    found = true;
  }
  if (!found) entries.push_back(entry);
}

void TransformerConfig::merge(const TransformerConfig& other) {
  if (&other == this) return;
  if (includes_defaults && other.includes_defaults && !other.beyond_defaults) return;
  if (!includes_defaults && !beyond_defaults && !other.beyond_defaults) {
    *this = other;  // empty, or the defaults (which are kept merged and sorted)
    return;
  }
  merge_all(name_prefix, other.name_prefix);
  merge_all(name_suffix, other.name_suffix);
  merge_all(name_space, other.name_space);
  merge_all(common_annotations, other.common_annotations);
  merge_all(common_labels, other.common_labels);
  merge_all(labels, other.labels);
  merge_all(template_labels, other.template_labels);
  merge_all(var_reference, other.var_reference);
  for (const NameBackReference& entry : other.name_reference) {
    merge_name_reference(name_reference, entry);
  }
  merge_all(images, other.images);
  merge_all(replicas, other.replicas);
  for (const auto list : kSpecLists) sort_field_specs(this->*list);
  std::stable_sort(name_reference.begin(), name_reference.end(), transformers::name_reference_less);
  includes_defaults = includes_defaults || other.includes_defaults;
  beyond_defaults = beyond_defaults || other.beyond_defaults;
}

TransformerConfig config_from_crds(std::string_view content, const std::string& display) {
  Json definitions;
  try {
    if (content.empty()) throw invalid_argument("empty file");
    definitions = content.front() == '{' ? Json::parse(content) : parse_yaml(content);
  } catch (const Json::exception& e) {
    throw invalid_argument("unable to parse open API definition from '" + display +
                           "': " + e.what());
  } catch (const Error& e) {
    throw invalid_argument("unable to parse open API definition from '" + display +
                           "': " + e.message());
  }
  if (definitions.is_null()) definitions = Json::object();
  if (!definitions.is_object()) {
    throw invalid_argument("unable to parse open API definition from '" + display +
                           "': not a map of type names to definitions");
  }
  TransformerConfig config;
  CrdLoader loader(definitions, config);
  try {
    for (const auto& [type_name, definition] : definitions.items()) {
      if (!looks_like_k8s_type(CrdLoader::properties_of(definition, type_name))) continue;
      const std::size_t dot = type_name.rfind('.');
      const std::string kind = dot == std::string::npos ? type_name : type_name.substr(dot + 1);
      std::vector<std::string> path;
      loader.load(kind, type_name, path, 0);
    }
  } catch (const Error& e) {
    throw e.with_context(display);
  }
  std::stable_sort(config.name_reference.begin(), config.name_reference.end(),
                   transformers::name_reference_less);
  config.beyond_defaults = true;
  return config;
}

TransformerConfig config_from_file(std::string_view content, const std::string& display) {
  Json doc;
  try {
    doc = parse_yaml(content);
    // kustomize decodes it with Go's encoding/json: field names in any case.
    if (doc.is_object()) {
      doc = go_json_decode(doc, transformer_config_go_type(), UnknownFields::kRefuse);
    }
  } catch (const Error& e) {
    throw e.with_context(display);
  }
  TransformerConfig config;
  if (doc.is_null()) return config;
  if (!doc.is_object()) throw invalid_argument(display + ": a transformer config must be a map");
  for (const auto& [key, value] : doc.items()) {
    const std::string where = display + ": " + key;
    if (key == "nameReference") {
      for (NameBackReference& entry : name_references(value, where)) {
        config.name_reference.push_back(std::move(entry));
      }
      continue;
    }
    std::vector<FieldSpec>* list = key == "namePrefix"          ? &config.name_prefix
                                   : key == "nameSuffix"        ? &config.name_suffix
                                   : key == "namespace"         ? &config.name_space
                                   : key == "commonLabels"      ? &config.common_labels
                                   : key == "labels"            ? &config.labels
                                   : key == "templateLabels"    ? &config.template_labels
                                   : key == "commonAnnotations" ? &config.common_annotations
                                   : key == "varReference"      ? &config.var_reference
                                   : key == "images"            ? &config.images
                                   : key == "replicas"          ? &config.replicas
                                                                : nullptr;
    if (list == nullptr) {
      throw invalid_argument(display + ": unknown transformer config field \"" + key + "\"");
    }
    // A file is read as a whole: its own duplicates stay (kustomize unmarshals each list).
    for (FieldSpec& spec : field_specs(value, where)) list->push_back(std::move(spec));
  }
  refuse_undriven(config.name_space, &TransformerConfig::name_space, "namespace", display);
  refuse_undriven(config.replicas, &TransformerConfig::replicas, "replicas", display);
  std::stable_sort(config.name_reference.begin(), config.name_reference.end(),
                   transformers::name_reference_less);
  config.beyond_defaults = true;
  return config;
}

}  // namespace sluice::render
