#include "render/plugin_transformers.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string_view>
#include <utility>

#include "core/error.h"
#include "core/yaml_reader.h"
#include "render/kustomization.h"
#include "render/name_history.h"
#include "render/patch_runner.h"
#include "render/transformers/images.h"
#include "render/transformers/labels.h"
#include "render/transformers/namespace_configured.h"
#include "render/transformers/prefix_suffix.h"
#include "render/transformers/replacements.h"

namespace sluice::render {
namespace fs = std::filesystem;
namespace {

// Reads a config's fields as kustomize's plugin decoders do: unknown fields are ignored, a
// wrong JSON type fails.
class ConfigReader {
 public:
  ConfigReader(const Json& map, std::string where) : map_(map), where_(std::move(where)) {}

  const Json* find(std::string_view key) const {
    if (!map_.is_object()) return nullptr;
    const auto found = map_.find(std::string(key));
    return found == map_.end() || found->is_null() ? nullptr : &*found;
  }
  bool has(std::string_view key) const { return find(key) != nullptr; }

  std::string string(std::string_view key) const {
    const Json* value = find(key);
    if (value == nullptr) return {};
    if (!value->is_string()) throw wrong_type(key, "a string");
    return value->get<std::string>();
  }
  bool boolean(std::string_view key) const {
    const Json* value = find(key);
    if (value == nullptr) return false;
    if (!value->is_boolean()) throw wrong_type(key, "true or false");
    return value->get<bool>();
  }
  StringMap string_map(std::string_view key) const {
    StringMap out;
    const Json* value = find(key);
    if (value == nullptr) return out;
    if (!value->is_object()) throw wrong_type(key, "a map of strings");
    for (const auto& [name, item] : value->items()) {
      if (!item.is_string()) throw wrong_type(std::string(key) + "." + name, "a string");
      out.emplace(name, item.get<std::string>());
    }
    return out;
  }
  const Json& list(std::string_view key) const {
    static const Json empty = Json::array();
    const Json* value = find(key);
    if (value == nullptr) return empty;
    if (!value->is_array()) throw wrong_type(key, "a list");
    return *value;
  }
  ConfigReader child(std::string_view key) const {
    static const Json none = Json::object();
    const Json* value = find(key);
    if (value != nullptr && !value->is_object()) throw wrong_type(key, "a map");
    return ConfigReader(value == nullptr ? none : *value, where_ + "." + std::string(key));
  }
  std::vector<FieldSpec> field_specs() const {
    std::vector<FieldSpec> specs;
    for (const Json& item : list("fieldSpecs")) {
      if (!item.is_object()) throw wrong_type("fieldSpecs", "a list of maps");
      const ConfigReader spec(item, where_ + ".fieldSpecs");
      specs.push_back({spec.string("group"), spec.string("version"), spec.string("kind"),
                       spec.string("path"), spec.boolean("create")});
    }
    return specs;
  }

 private:
  Error wrong_type(std::string_view key, std::string_view what) const {
    return invalid_argument(where_ + ": field '" + std::string(key) + "' must be " +
                            std::string(what));
  }

  const Json& map_;
  std::string where_;
};

transformers::PatchTarget patch_target(const ConfigReader& target) {
  return {target.string("group"),
          target.string("version"),
          target.string("kind"),
          target.string("name"),
          target.string("namespace"),
          target.string("labelSelector"),
          target.string("annotationSelector")};
}

void patch(const ConfigReader& config, const FileSystem& files, const fs::path& dir,
           std::vector<Object>& resources) {
  PatchEntry entry;
  entry.path = config.string("path");
  entry.patch = config.string("patch");
  entry.has_target = config.has("target");
  if (entry.has_target) entry.target = patch_target(config.child("target"));
  const ConfigReader options = config.child("options");
  entry.allow_name_change = options.boolean("allowNameChange");
  entry.allow_kind_change = options.boolean("allowKindChange");
  apply_patches(files, dir, {entry}, resources, false);
}

void patch_json6902(const ConfigReader& config, const FileSystem& files, const fs::path& dir,
                    std::vector<Object>& resources) {
  PatchEntry entry;
  entry.path = config.string("path");
  entry.patch = config.string("jsonOp");
  entry.has_target = true;
  entry.target = patch_target(config.child("target"));
  if (entry.target.name.empty()) throw invalid_argument("must specify the target name");
  if (entry.path.empty() && entry.patch.empty()) {
    throw invalid_argument("empty file path and empty jsonOp");
  }
  if (!entry.path.empty() && !entry.patch.empty()) {
    throw invalid_argument("must specify a file path or jsonOp, not both");
  }
  apply_patches(files, dir, {entry}, resources, true);
}

void patch_strategic_merge(const ConfigReader& config, const FileSystem& files, const fs::path& dir,
                           std::vector<Object>& resources) {
  std::vector<std::string> entries;
  for (const Json& path : config.list("paths")) {
    if (!path.is_string()) throw invalid_argument("field 'paths' must be a list of strings");
    entries.push_back(path.get<std::string>());
  }
  if (std::string patches = config.string("patches"); !patches.empty()) {
    entries.push_back(std::move(patches));
  }
  if (entries.empty()) throw invalid_argument("empty file path and empty patch content");
  apply_patches_strategic_merge(files, dir, entries, resources);
}

void prefix_suffix(const std::string& kind, const ConfigReader& config,
                   std::vector<Object>& resources) {
  // Both are configured from the same document and each requires fieldSpecs.
  if (!config.has("fieldSpecs")) throw invalid_argument("fieldSpecs is not expected to be nil");
  const std::vector<FieldSpec> specs = config.field_specs();
  // The same renaming (with its history) as the namePrefix and nameSuffix fields, driven by
  // this config's specs alone.
  if (kind != "SuffixTransformer") {
    rename_with_history(resources, config.string("prefix"), "", specs, {});
  }
  if (kind != "PrefixTransformer") {
    rename_with_history(resources, "", config.string("suffix"), {}, specs);
  }
}

void namespace_transformer(const ConfigReader& config, std::vector<Object>& resources) {
  transformers::NamespaceConfig settings;
  settings.namespace_ = config.child("metadata").string("namespace");
  settings.specs = config.field_specs();
  settings.unset_only = config.boolean("unsetOnly");
  const std::string subjects = config.string("setRoleBindingSubjects");
  if (subjects == "allServiceAccounts") {
    settings.subjects = transformers::RoleBindingSubjects::kAllServiceAccounts;
  } else if (subjects == "none") {
    settings.subjects = transformers::RoleBindingSubjects::kNone;
  } else if (!subjects.empty() && subjects != "defaultOnly") {
    throw invalid_argument("invalid value \"" + subjects +
                           "\" for setRoleBindingSubjects: must be one of \"defaultOnly\", "
                           "\"none\" or \"allServiceAccounts\"");
  }
  set_namespace_with_history(resources, settings);
}

std::string gvk_text(const FieldSpec& spec) {
  return (spec.kind.empty() ? "[noKind]" : spec.kind) + "." +
         (spec.version.empty() ? "[noVer]" : spec.version) + "." +
         (spec.group.empty() ? "[noGrp]" : spec.group);
}

// kustomize's ReplicaCountTransformer: per field spec, every resource of a selected kind that
// has (or had) the replica's name gets the count at the spec's path.
void replica_count(const ConfigReader& config, std::vector<Object>& resources) {
  const ConfigReader replica = config.child("replica");
  const std::string name = replica.string("name");
  std::int64_t count = 0;
  if (const Json* value = replica.find("count")) {
    const bool integral_float = value->is_number_float() &&
                                std::trunc(value->get<double>()) == value->get<double>() &&
                                std::abs(value->get<double>()) < 9.2e18;
    if (!value->is_number_integer() && !integral_float) {
      throw invalid_argument("ReplicaCountTransformer: replica.count must be an integer");
    }
    count = integral_float ? static_cast<std::int64_t>(value->get<double>())
                           : value->get<std::int64_t>();
  }
  const std::vector<FieldSpec> specs = config.field_specs();
  bool found = false;
  for (const FieldSpec& spec : specs) {
    for (Object& resource : resources) {
      if (!selects(spec, resource.gvk())) continue;
      const std::vector<std::string> names = previous_names(resource);
      if (resource.name() != name && std::find(names.begin(), names.end(), name) == names.end()) {
        continue;
      }
      found = true;
      for_each_field(resource.json(), spec, [count](Json& node) { node = count; });
    }
  }
  if (!found) {
    std::string gvks;
    for (const FieldSpec& spec : specs) gvks += (gvks.empty() ? "" : " ") + gvk_text(spec);
    throw not_found("resource with name " + name +
                    " does not match a config with the following GVK [" + gvks + "]");
  }
}

void replacement(const ConfigReader& config, const FileSystem& files, const fs::path& dir,
                 std::vector<Object>& resources) {
  std::vector<transformers::Replacement> replacements;
  for (const Json& item : config.list("replacements")) {
    std::string path;
    if (item.is_object() && item.contains("path") && item["path"].is_string()) {
      path = item["path"].get<std::string>();
    }
    if (path.empty()) {
      replacements.push_back(transformers::parse_replacement(item));
      continue;
    }
    if (item.contains("source") || item.contains("targets")) {
      throw invalid_argument("cannot specify both path and inline replacement");
    }
    try {
      for (transformers::Replacement& loaded :
           transformers::parse_replacement_file(parse_yaml(files.read_named_file(dir, path)))) {
        replacements.push_back(std::move(loaded));
      }
    } catch (const Error& e) {
      throw e.with_context(path);
    }
  }
  const auto ids = previous_ids(resources);
  transformers::apply_replacements(resources, replacements, &ids);
}

}  // namespace

void run_transformer_plugin(const std::string& kind, const Object& config, const FileSystem& files,
                            const fs::path& dir, std::vector<Object>& resources) {
  const ConfigReader reader(config.json(), kind);
  if (kind == "AnnotationsTransformer" || kind == "LabelTransformer") {
    const bool labels = kind == "LabelTransformer";
    const StringMap values = reader.string_map(labels ? "labels" : "annotations");
    if (!values.empty()) transformers::add_to_maps(resources, values, reader.field_specs());
  } else if (kind == "NamespaceTransformer") {
    namespace_transformer(reader, resources);
  } else if (kind == "PrefixSuffixTransformer" || kind == "PrefixTransformer" ||
             kind == "SuffixTransformer") {
    prefix_suffix(kind, reader, resources);
  } else if (kind == "ImageTagTransformer") {
    const ConfigReader image = reader.child("imageTag");
    transformers::set_images(
        resources,
        {{image.string("name"), image.string("newName"), image.string("newTag"),
          image.string("digest"), image.string("tagSuffix")}},
        reader.field_specs());
  } else if (kind == "ReplicaCountTransformer") {
    replica_count(reader, resources);
  } else if (kind == "PatchTransformer") {
    patch(reader, files, dir, resources);
  } else if (kind == "PatchJson6902Transformer") {
    patch_json6902(reader, files, dir, resources);
  } else if (kind == "PatchStrategicMergeTransformer") {
    patch_strategic_merge(reader, files, dir, resources);
  } else if (kind == "ReplacementTransformer") {
    replacement(reader, files, dir, resources);
  } else if (kind == "HashTransformer") {
    add_name_hashes(resources);
  } else if (kind == "ValueAddTransformer") {
    throw unimplemented("sluice does not support the builtin ValueAddTransformer yet");
  } else {
    throw invalid_argument("unable to load builtin " + kind + ".builtin.[noGrp]");
  }
}

}  // namespace sluice::render
