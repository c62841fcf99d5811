#include "render/builder.h"

#include <algorithm>
#include <set>
#include <utility>

#include "core/error.h"
#include "core/yaml_reader.h"
#include "render/file_system.h"
#include "render/kustomization.h"
#include "render/ordering.h"
#include "render/resource_id.h"
#include "render/transformers/annotations.h"
#include "render/transformers/images.h"
#include "render/transformers/labels.h"
#include "render/transformers/namespace.h"
#include "render/transformers/patches.h"
#include "render/transformers/prefix_suffix.h"
#include "render/transformers/replacements.h"
#include "render/transformers/replicas.h"
#include "render/transformers/vars.h"

namespace sluice::render {
namespace fs = std::filesystem;
namespace {

// Bounds on untrusted trees: how many kustomizations one build may load (diamonds can multiply
// them) and how deep a plain folder is searched.
constexpr std::size_t kMaxKustomizations = 10'000;
constexpr std::size_t kMaxFolderDepth = 100;

bool looks_remote(std::string_view entry) {
  return entry.find("://") != std::string_view::npos || entry.starts_with("git@") ||
         entry.starts_with("github.com/") || entry.starts_with("gitlab.com/") ||
         entry.starts_with("bitbucket.org/");
}

bool is_yaml_file(const fs::path& path) {
  const std::string ext = path.extension().string();
  return ext == ".yaml" || ext == ".yml";
}

// Where the builder keeps a resource's earlier names (kustomize keeps them in internal
// annotations) so that `replicas` can match a resource by the name it had before a prefix or
// suffix. Removed before anything is printed.
constexpr std::string_view kPreviousNamesKey = "\x01sluice/previousNames";

std::vector<std::string> previous_names(const Object& object) {
  const auto found = object.json().find(kPreviousNamesKey);
  if (found == object.json().end()) return {};
  return found->get<std::vector<std::string>>();
}

// Every (name, namespace) a resource had before a change (kustomize's previous ResIds), for
// the selectors of replacements and vars.
constexpr std::string_view kPreviousIdsKey = "\x01sluice/previousIds";

void remember_id(Object& object, const std::string& name, const std::string& namespace_) {
  Json& ids = object.json()[std::string(kPreviousIdsKey)];
  if (!ids.is_array()) ids = Json::array();  // only a patch could have put else there
  ids.push_back({name, namespace_});
}

void rename_with_history(std::vector<Object>& objects, std::string_view prefix,
                         std::string_view suffix) {
  std::vector<std::string> before;
  before.reserve(objects.size());
  for (const Object& object : objects) before.push_back(object.name());
  transformers::add_name_prefix_suffix(objects, prefix, suffix);
  for (std::size_t i = 0; i < objects.size(); ++i) {
    if (objects[i].name() != before[i]) {
      objects[i].json()[std::string(kPreviousNamesKey)].push_back(before[i]);
      remember_id(objects[i], before[i], objects[i].namespace_name());
    }
  }
}

// And the namespace a resource had before a namespace transformer first changed it.
constexpr std::string_view kOriginalNamespaceKey = "\x01sluice/originalNamespace";

void set_namespace_with_history(std::vector<Object>& objects, const std::string& namespace_) {
  if (namespace_.empty()) return;
  std::vector<std::string> before;
  before.reserve(objects.size());
  for (const Object& object : objects) before.push_back(object.namespace_name());
  transformers::set_namespace(objects, namespace_);
  for (std::size_t i = 0; i < objects.size(); ++i) {
    if (objects[i].namespace_name() != before[i]) {
      remember_id(objects[i], objects[i].name(), before[i]);
    }
    Json& json = objects[i].json();
    if (objects[i].namespace_name() != before[i] && !json.contains(kOriginalNamespaceKey)) {
      json[std::string(kOriginalNamespaceKey)] = before[i];
    }
  }
}

// kustomize's OrgId of each resource: its name and namespace as first loaded.
std::vector<transformers::OriginalId> original_ids(const std::vector<Object>& objects) {
  std::vector<transformers::OriginalId> ids;
  ids.reserve(objects.size());
  for (const Object& object : objects) {
    const std::vector<std::string> names = previous_names(object);
    const auto ns = object.json().find(kOriginalNamespaceKey);
    ids.push_back({names.empty() ? object.name() : names.front(),
                   ns == object.json().end() ? object.namespace_name() : ns->get<std::string>()});
  }
  return ids;
}

std::vector<std::vector<transformers::OriginalId>> previous_ids(
    const std::vector<Object>& objects) {
  std::vector<std::vector<transformers::OriginalId>> out;
  out.reserve(objects.size());
  for (const Object& object : objects) {
    std::vector<transformers::OriginalId> ids;
    const auto found = object.json().find(kPreviousIdsKey);
    // Only the builder writes this key, but a patch could reach it: read it defensively.
    if (found != object.json().end() && found->is_array()) {
      for (const Json& id : *found) {
        if (id.is_array() && id.size() == 2 && id[0].is_string() && id[1].is_string()) {
          ids.push_back({id[0].get<std::string>(), id[1].get<std::string>()});
        }
      }
    }
    out.push_back(std::move(ids));
  }
  return out;
}

void strip_history(Object& object) {
  object.json().erase(std::string(kPreviousNamesKey));
  object.json().erase(std::string(kOriginalNamespaceKey));
  object.json().erase(std::string(kPreviousIdsKey));
}

void set_replicas_by_any_name(std::vector<Object>& objects,
                              const std::vector<transformers::ReplicaCount>& replicas) {
  if (replicas.empty()) return;
  std::vector<std::vector<std::string>> names;
  names.reserve(objects.size());
  for (const Object& object : objects) names.push_back(previous_names(object));
  transformers::set_replicas(objects, replicas, &names);
}

// Adds `more` to `into`, refusing an id that is already there, as kustomize's ResMap.Append.
void append_unique(std::vector<Object>& into, std::vector<Object> more) {
  for (Object& object : more) {
    const ResourceId id = ResourceId::of(object);
    for (const Object& existing : into) {
      if (ResourceId::of(existing).same_as(id)) {
        throw invalid_argument("may not add resource with an already registered id: " +
                               id.to_string());
      }
    }
    into.push_back(std::move(object));
  }
}

// One document of a resource file, with `List` kinds expanded into their items as kustomize
// does (any kind ending in "List" that carries an `items` list).
void add_document(Json doc, std::vector<Object>& out, std::size_t depth = 0) {
  if (!doc.is_object()) throw invalid_argument("a resource must be a YAML map");
  const auto kind_field = doc.find("kind");
  const std::string kind = kind_field != doc.end() && kind_field->is_string()
                               ? kind_field->get<std::string>()
                               : std::string();
  if (kind.empty()) throw invalid_argument("missing kind in a resource");
  const auto items = doc.find("items");
  if (kind.ends_with("List") && items != doc.end() && items->is_array()) {
    if (depth > 10) throw invalid_argument("List kinds nested too deeply");
    for (Json& item : *items) add_document(std::move(item), out, depth + 1);
    return;
  }
  // kustomize requires a name (generateName is not enough), though it accepts any non-empty
  // scalar there.
  bool has_name = false;
  if (doc.contains("metadata") && doc.at("metadata").is_object() &&
      doc.at("metadata").contains("name")) {
    const Json& name = doc.at("metadata").at("name");
    has_name = !name.is_null() && !(name.is_string() && name.get_ref<const std::string&>().empty());
  }
  if (!has_name) {
    throw invalid_argument("missing metadata.name in a " + kind + " resource");
  }
  out.emplace_back(std::move(doc));
}

class Builder {
 public:
  Builder(const FileSystem& files, std::vector<std::string>* warnings)
      : files_(files), warnings_(warnings) {}

  const std::vector<transformers::Var>& vars() const { return vars_; }

  std::vector<Object> build_top(const fs::path& dir, std::optional<SortOptions>& sort) {
    if (auto file = find_kustomization_file(files_, dir))
      return build_kustomization(dir, *file, &sort);
    std::set<fs::path> visited;
    std::vector<Object> out;
    build_folder(dir, out, visited, 0);
    return out;
  }

 private:
  std::vector<Object> build_kustomization(const fs::path& dir, const fs::path& file,
                                          std::optional<SortOptions>* sort) {
    if (std::find(stack_.begin(), stack_.end(), dir) != stack_.end()) {
      throw invalid_argument("cycle detected: '" + files_.display(dir) +
                             "' includes itself through '" + files_.display(stack_.back()) + "'");
    }
    if (++loaded_ > kMaxKustomizations) {
      throw resource_exhausted("more than " + std::to_string(kMaxKustomizations) +
                               " kustomizations in one build");
    }
    const std::string where = files_.display(file);
    Kustomization kustomization;
    try {
      kustomization = parse_kustomization(files_.read_file(file));
    } catch (const Error& e) {
      throw e.with_context(where);
    }
    if (warnings_ != nullptr) {
      warnings_->insert(warnings_->end(), kustomization.warnings.begin(),
                        kustomization.warnings.end());
    }
    if (sort != nullptr) *sort = kustomization.sort_options;

    stack_.push_back(dir);
    std::vector<Object> resources;
    for (const std::string& entry : kustomization.resources) {
      try {
        append_unique(resources, load_resource(dir, entry));
      } catch (const Error& e) {
        throw e.with_context(where + ": resource '" + entry + "'");
      }
    }
    stack_.pop_back();

    try {
      // kustomize's transformer order (kusttarget_configplugin.go).
      apply_patches(dir, kustomization.patches, resources, false);
      set_namespace_with_history(resources, kustomization.namespace_);
      rename_with_history(resources, kustomization.name_prefix, kustomization.name_suffix);
      transformers::add_labels(resources, kustomization.labels);
      transformers::add_common_labels(resources, kustomization.common_labels);
      transformers::add_common_annotations(resources, kustomization.common_annotations);
      apply_patches(dir, kustomization.patches_json6902, resources, true);
      set_replicas_by_any_name(resources, kustomization.replicas);
      transformers::set_images(resources, kustomization.images);
      apply_replacements(dir, kustomization.replacements, resources);
      transformers::merge_vars(vars_, kustomization.vars);
      transformers::bind_vars(resources, kustomization.vars, previous_ids(resources));
    } catch (const Error& e) {
      throw e.with_context(where);
    }
    return resources;
  }

  // `patches` (json6902 false) or `patchesJson6902` (true), in order. kustomize v5.5 runs
  // both through its PatchTransformer: a target that selects nothing is not an error.
  void apply_patches(const fs::path& dir, const std::vector<PatchEntry>& patches,
                     std::vector<Object>& resources, bool json6902) {
    for (const PatchEntry& entry : patches) {
      const std::string text = patch_text(dir, entry, json6902);
      if (!json6902 && !transformers::is_json6902(text)) {
        throw unimplemented("strategic merge patches are not supported yet");
      }
      const Json operations = transformers::parse_json6902(text);
      if (!entry.has_target) throw invalid_argument("must specify a target for patch " + text);
      if (json6902 && entry.target.name.empty()) {
        throw invalid_argument("must specify the target name");
      }
      const std::vector<transformers::OriginalId> originals = original_ids(resources);
      const std::vector<std::size_t> selected =
          transformers::select_targets(resources, entry.target, &originals);
      std::vector<std::string> names;
      std::vector<std::string> namespaces;
      names.reserve(selected.size());
      for (const std::size_t i : selected) {
        names.push_back(resources[i].name());
        namespaces.push_back(resources[i].namespace_name());
      }
      transformers::apply_json6902(resources, selected, operations);
      // `patches` keep the name a patch replaced (kustomize's StorePreviousId).
      for (std::size_t k = 0; !json6902 && k < selected.size(); ++k) {
        Object& object = resources[selected[k]];
        if (object.name() != names[k]) {
          object.json()[std::string(kPreviousNamesKey)].push_back(names[k]);
        }
        if (object.name() != names[k] || object.namespace_name() != namespaces[k]) {
          remember_id(object, names[k], namespaces[k]);
        }
      }
    }
  }

  // kustomize runs `replacements` last; entries with a `path` name a file of them, which must
  // be in or below the kustomization's directory.
  void apply_replacements(const fs::path& dir,
                          const std::vector<Kustomization::ReplacementEntry>& entries,
                          std::vector<Object>& resources) {
    if (entries.empty()) return;
    std::vector<transformers::Replacement> replacements;
    for (const Kustomization::ReplacementEntry& entry : entries) {
      if (entry.path.empty()) {
        replacements.push_back(entry.inline_replacement);
        continue;
      }
      const fs::path path = files_.resolve(dir, entry.path);
      if (!FileSystem::is_within(path, dir)) {
        throw Error(ErrorCode::kPermissionDenied, "security: file '" + files_.display(path) +
                                                      "' is not in or below '" +
                                                      files_.display(dir) + "'");
      }
      try {
        for (transformers::Replacement& replacement :
             transformers::parse_replacement_file(parse_yaml(files_.read_file(path)))) {
          replacements.push_back(std::move(replacement));
        }
      } catch (const Error& e) {
        throw e.with_context(files_.display(path));
      }
    }
    const auto ids = previous_ids(resources);
    transformers::apply_replacements(resources, replacements, &ids);
  }

  std::string patch_text(const fs::path& dir, const PatchEntry& entry, bool json6902) {
    std::string inline_patch = json6902 ? entry.patch : trim_copy(entry.patch);
    if (!entry.path.empty() && !inline_patch.empty()) {
      throw invalid_argument(json6902 ? "must specify a file path or jsonOp, not both"
                                      : "patch and path can't be set at the same time");
    }
    if (entry.path.empty()) {
      if (inline_patch.empty()) {
        throw invalid_argument(json6902 ? "empty file path and empty jsonOp"
                                        : "must specify one of patch and path");
      }
      return inline_patch;
    }
    const fs::path path = files_.resolve(dir, entry.path);
    if (!FileSystem::is_within(path, dir)) {
      throw Error(ErrorCode::kPermissionDenied, "security: file '" + files_.display(path) +
                                                    "' is not in or below '" + files_.display(dir) +
                                                    "'");
    }
    std::string text = files_.read_file(path);
    if (json6902 && text.empty()) {
      throw invalid_argument("patch file '" + entry.path + "' empty seems to be empty");
    }
    return text;
  }

  static std::string trim_copy(const std::string& text) {
    const std::size_t begin = text.find_first_not_of(" \t\r\n");
    if (begin == std::string::npos) return {};
    return text.substr(begin, text.find_last_not_of(" \t\r\n") - begin + 1);
  }

  std::vector<Object> load_resource(const fs::path& dir, const std::string& entry) {
    if (looks_remote(entry)) {
      throw unimplemented(
          "remote resources are not supported; sluice renders only what is in the repository");
    }
    const fs::path path = files_.resolve(dir, entry);
    if (files_.is_directory(path)) {
      auto file = find_kustomization_file(files_, path);
      if (!file) {
        throw not_found(
            "unable to find one of 'kustomization.yaml', 'kustomization.yml' or "
            "'Kustomization' in directory '" +
            files_.display(path) + "'");
      }
      return build_kustomization(path, *file, nullptr);
    }
    // kustomize's default load restriction: a kustomization may read files only in or below
    // its own directory (folders of other kustomizations may be anywhere under the root).
    if (!FileSystem::is_within(path, dir)) {
      throw Error(ErrorCode::kPermissionDenied, "security: file '" + files_.display(path) +
                                                    "' is not in or below '" + files_.display(dir) +
                                                    "'");
    }
    return load_file(path);
  }

  std::vector<Object> load_file(const fs::path& path) {
    std::vector<Object> out;
    try {
      for (Json& doc : parse_yaml_documents(files_.read_file(path))) {
        add_document(std::move(doc), out);
      }
    } catch (const Error& e) {
      throw e.with_context(files_.display(path));
    }
    return out;
  }

  void build_folder(const fs::path& dir, std::vector<Object>& out, std::set<fs::path>& visited,
                    std::size_t depth) {
    if (depth > kMaxFolderDepth) {
      throw resource_exhausted(files_.display(dir) + ": folders nested deeper than " +
                               std::to_string(kMaxFolderDepth));
    }
    if (!visited.insert(dir).second) return;  // reached again through a symlink
    for (const fs::path& entry : files_.list_directory(dir)) {
      const fs::path real = files_.confirm(entry);
      if (files_.is_directory(real)) {
        if (auto file = find_kustomization_file(files_, real)) {
          append_unique(out, build_kustomization(real, *file, nullptr));
        } else {
          build_folder(real, out, visited, depth + 1);
        }
      } else if (is_yaml_file(entry) && files_.is_regular_file(real)) {
        append_unique(out, load_file(real));
      }
    }
  }

  const FileSystem& files_;
  std::vector<std::string>* warnings_;
  // `vars` of every kustomization built, children before parents (kustomize's merge order).
  std::vector<transformers::Var> vars_;
  std::vector<fs::path> stack_;
  std::size_t loaded_ = 0;
};

}  // namespace

std::vector<Object> build(const fs::path& dir, const BuildOptions& options) {
  const FileSystem files(options.root.empty() ? dir : options.root);
  std::error_code ec;
  const fs::path start = files.confirm(fs::absolute(dir, ec));
  if (!files.is_directory(start))
    throw invalid_argument(files.display(start) + ": not a directory");
  Builder builder(files, options.warnings);
  std::optional<SortOptions> sort;
  std::vector<Object> resources = builder.build_top(start, sort);
  // Name references (kustomize's FixBackReferences) go here, before vars, as in kusttarget.go.
  transformers::resolve_vars(resources, builder.vars(), options.warnings);
  for (Object& object : resources) strip_history(object);
  sort_resources(resources, sort);
  return resources;
}

}  // namespace sluice::render
