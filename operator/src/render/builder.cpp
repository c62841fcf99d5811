#include "render/builder.h"

#include <algorithm>
#include <set>
#include <utility>

#include "core/error.h"
#include "render/build_metadata.h"
#include "render/file_system.h"
#include "render/kustomization.h"
#include "render/metadata_maps.h"
#include "render/name_history.h"
#include "render/openapi_state.h"
#include "render/ordering.h"
#include "render/patch_runner.h"
#include "render/plugin_runner.h"
#include "render/replacement_runner.h"
#include "render/resource_id.h"
#include "render/resources.h"
#include "render/transformer_config.h"
#include "render/transformers/annotations.h"
#include "render/transformers/generators.h"
#include "render/transformers/images.h"
#include "render/transformers/labels.h"
#include "render/transformers/name_reference.h"
#include "render/transformers/replicas.h"
#include "render/transformers/vars.h"

namespace sluice::render {
namespace fs = std::filesystem;
namespace {

// Bounds on untrusted trees: how many kustomizations one build may load (diamonds can multiply
// them) and how deep a plain folder is searched.
constexpr std::size_t kMaxKustomizations = 10'000;
constexpr std::size_t kMaxFolderDepth = 100;
// And how many bytes generators may read in one build: each file is capped by the FileSystem,
// but a generator may name many (or one many times under different keys).
constexpr std::size_t kMaxGeneratorBytes = std::size_t{64} << 20;

bool is_yaml_file(const fs::path& path) {
  const std::string ext = path.extension().string();
  return ext == ".yaml" || ext == ".yml";
}

class Builder {
 public:
  Builder(const FileSystem& files, std::vector<std::string>* warnings)
      : files_(files), warnings_(warnings) {}

  std::vector<Object> build_top(const fs::path& dir, std::optional<SortOptions>& sort,
                                TransformerConfig& config) {
    if (auto file = find_kustomization_file(files_, dir)) {
      // kustomize builds a Component named as the build root like a kustomization.
      const Kustomization top = load_kustomization(dir, *file, Expect::kEither);
      sort = top.sort_options;
      metadata_ = BuildMetadata::from(top.build_metadata);
      Accumulator accumulated;
      accumulate_target(dir, *file, top, accumulated);
      config = std::move(accumulated.config());
      return std::move(accumulated).take();
    }
    std::set<fs::path> visited;
    Accumulator out;
    out.config().merge(TransformerConfig::defaults());
    build_folder(dir, out, visited, 0);
    config = std::move(out.config());
    return std::move(out).take();
  }

  enum class Expect { kKustomization, kComponent, kEither };

  const BuildMetadata& metadata() const { return metadata_; }
  // `vars` of every kustomization built, children before parents (kustomize's merge order).
  const std::vector<transformers::Var>& vars() const { return vars_; }

 private:
  // Merges the kustomization's TransformerConfig into `parent` (MergeAccumulator).
  std::vector<Object> build_kustomization(const fs::path& dir, const fs::path& file,
                                          TransformerConfig& parent) {
    const Kustomization kustomization = load_kustomization(dir, file, Expect::kKustomization);
    Accumulator accumulated;
    accumulate_target(dir, file, kustomization, accumulated);
    parent.merge(accumulated.config());
    return std::move(accumulated).take();
  }

  Kustomization load_kustomization(const fs::path& dir, const fs::path& file, Expect expect) {
    if (std::find(stack_.begin(), stack_.end(), dir) != stack_.end()) {
      throw invalid_argument("cycle detected: '" + files_.display(dir) +
                             "' includes itself through '" + files_.display(stack_.back()) + "'");
    }
    if (++loaded_ > kMaxKustomizations) {
      throw resource_exhausted("more than " + std::to_string(kMaxKustomizations) +
                               " kustomizations in one build");
    }
    Kustomization kustomization;
    try {
      kustomization = parse_kustomization(files_.read_file(file));
      openapi_.declare(files_, dir, kustomization.openapi);
    } catch (const Error& e) {
      throw e.with_context(files_.display(file));
    }
    if (expect == Expect::kComponent && !kustomization.is_component) {
      throw invalid_argument("expected kind 'Component' for path '" + files_.display(dir) +
                             "' but got 'Kustomization'");
    }
    if (expect == Expect::kKustomization && kustomization.is_component) {
      throw invalid_argument("expected kind != 'Component' for path '" + files_.display(dir) + "'");
    }
    if (warnings_ != nullptr) {
      warnings_->insert(warnings_->end(), kustomization.warnings.begin(),
                        kustomization.warnings.end());
    }
    return kustomization;
  }

  // kustomize's accumulateTarget: this kustomization's resources join `accumulated`, then its
  // components work on everything accumulated so far (a component adds to its parent's
  // accumulator rather than building its own), then its transformers run over all of it.
  void accumulate_target(const fs::path& dir, const fs::path& file,
                         const Kustomization& kustomization, Accumulator& accumulated) {
    const std::string where = files_.display(file);
    // Where this kustomization's generators and transformers are configured, for buildMetadata.
    const std::string configured_in = (origin_ / file.filename()).lexically_normal().string();
    stack_.push_back(dir);
    for (const std::string& entry : kustomization.resources) {
      try {
        accumulated.append(load_resource(dir, entry, accumulated.config()));
      } catch (const Error& e) {
        throw e.with_context(where + ": resource '" + entry + "'");
      }
    }
    try {
      merge_configs(dir, kustomization, accumulated.config());
      run_generators(dir, kustomization, configured_in, accumulated.objects());
      run_plugin_generators(kustomization.generators, plugin_context(dir, configured_in),
                            accumulated.objects());
    } catch (const Error& e) {
      throw e.with_context(where);
    }
    // After the generators, before the transformers (kustomize PR 5170).
    for (const std::string& entry : kustomization.components) {
      try {
        accumulate_component(dir, entry, accumulated);
      } catch (const Error& e) {
        throw e.with_context(where + ": component '" + entry + "'");
      }
    }
    stack_.pop_back();

    std::vector<Object>& resources = accumulated.objects();
    // After each builtin transformer, buildMetadata records it once per configured instance.
    const auto ran = [&](std::string_view kind, std::size_t instances = 1) {
      if (metadata_.track_origins) {
        record_transformation(resources, Origin::of_builtin(configured_in, std::string(kind)),
                              instances);
      }
    };
    const bool any_labels = !kustomization.labels.empty() || !kustomization.common_labels.empty();
    try {
      // kustomize's transformer order (kusttarget_configplugin.go).
      apply_patches_strategic_merge(files_, dir, kustomization.patches_strategic_merge, resources);
      ran("PatchStrategicMergeTransformer", kustomization.patches_strategic_merge.empty() ? 0 : 1);
      apply_patches(files_, dir, kustomization.patches, resources, false);
      ran("PatchTransformer", kustomization.patches.size());
      set_namespace_with_history(resources, kustomization.namespace_);
      ran("NamespaceTransformer", kustomization.namespace_.empty() ? 0 : 1);
      rename_with_history(resources, kustomization.name_prefix, kustomization.name_suffix,
                          accumulated.config().name_prefix, accumulated.config().name_suffix);
      ran("PrefixTransformer", kustomization.name_prefix.empty() ? 0 : 1);
      ran("SuffixTransformer", kustomization.name_suffix.empty() ? 0 : 1);
      const TransformerConfig& config = accumulated.config();
      transformers::add_labels(resources, kustomization.labels,
                               {config.labels, config.common_labels, config.template_labels});
      transformers::add_common_labels(resources, kustomization.common_labels, config.common_labels);
      // One per `labels` entry and one for commonLabels, when there is either.
      ran("LabelTransformer", any_labels ? kustomization.labels.size() + 1 : 0);
      transformers::add_common_annotations(resources, kustomization.common_annotations,
                                           config.common_annotations);
      ran("AnnotationsTransformer", kustomization.common_annotations.empty() ? 0 : 1);
      apply_patches(files_, dir, kustomization.patches_json6902, resources, true);
      ran("PatchJson6902Transformer", kustomization.patches_json6902.size());
      set_replicas_by_any_name(resources, kustomization.replicas);
      ran("ReplicaCountTransformer", kustomization.replicas.size());
      transformers::set_images(resources, kustomization.images, config.images);
      ran("ImageTagTransformer", kustomization.images.size());
      apply_replacement_entries(files_, dir, kustomization.replacements, resources);
      ran("ReplacementTransformer", kustomization.replacements.empty() ? 0 : 1);
      const PluginContext plugins = plugin_context(dir, configured_in);
      run_plugin_transformers(kustomization.transformers, plugins, resources);
      run_plugin_validators(kustomization.validators, plugins, resources);
      // Vars are bound to their resources once this kustomization is done (MergeVars).
      transformers::merge_vars(vars_, kustomization.vars);
      if (!kustomization.vars.empty()) {
        transformers::bind_vars(resources, kustomization.vars, previous_ids(resources));
      }
    } catch (const Error& e) {
      throw e.with_context(where);
    }
  }

  // The defaults with `configurations`, then `crds` (kustomize's accumulateTarget, after the
  // resources and their configs).
  void merge_configs(const fs::path& dir, const Kustomization& kustomization,
                     TransformerConfig& config) {
    TransformerConfig configured = TransformerConfig::defaults();
    for (const std::string& entry : kustomization.configurations) {
      configured.merge(config_from_file(config_file(dir, entry, "configurations"), entry));
    }
    config.merge(kustomization.configurations.empty() ? TransformerConfig::defaults() : configured);
    for (const std::string& entry : kustomization.crds) {
      config.merge(config_from_crds(config_file(dir, entry, "crds"), entry));
    }
  }

  std::string config_file(const fs::path& dir, const std::string& entry, const char* field) {
    try {
      return files_.read_named_file(dir, entry);
    } catch (const Error& e) {
      throw e.with_context(field);
    }
  }

  fs::path require_kustomization_file(const fs::path& dir) const {
    if (auto file = find_kustomization_file(files_, dir)) return *file;
    throw not_found(
        "unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in "
        "directory '" +
        files_.display(dir) + "'");
  }

  void accumulate_component(const fs::path& dir, const std::string& entry,
                            Accumulator& accumulated) {
    if (looks_remote(entry)) {
      throw unimplemented(
          "remote components are not supported; sluice renders only what is in the repository");
    }
    const fs::path path = files_.resolve(dir, entry);
    if (!files_.is_directory(path)) {
      throw invalid_argument("'" + files_.display(path) + "' must be a directory");
    }
    const fs::path file = require_kustomization_file(path);
    const Kustomization component = load_kustomization(path, file, Expect::kComponent);
    const OriginScope scope(origin_, entry);
    accumulate_target(path, file, component, accumulated);
  }

  // configMapGenerator then secretGenerator, entry by entry, after the resources and before
  // the transformers (kustomize's runGenerators).
  void run_generators(const fs::path& dir, const Kustomization& kustomization,
                      const std::string& configured_in, std::vector<Object>& resources) {
    const auto read = [this, &dir](const std::string& entry) { return generator_file(dir, entry); };
    for (const auto* list :
         {&kustomization.config_map_generator, &kustomization.secret_generator}) {
      for (transformers::GeneratorArgs args : *list) {
        args.options = transformers::merge_global_options(std::move(args.options),
                                                          kustomization.generator_options);
        Object generated = transformers::generate(args, read);
        if (metadata_.track_origins) {
          const bool secret = list == &kustomization.secret_generator;
          set_origin_if_absent(
              generated,
              Origin::of_builtin(configured_in, secret ? "SecretGenerator" : "ConfigMapGenerator"));
        }
        transformers::absorb_generated(resources, std::move(generated), args.behavior);
      }
    }
  }

  // Config folders are built with an accumulator of their own, whose TransformerConfig
  // kustomize drops.
  PluginContext plugin_context(const fs::path& dir, const std::string& configured_in) {
    PluginContext context{files_, dir, {}, {}, {}};
    context.load_path = [this, &dir](const std::string& entry) {
      TransformerConfig dropped;
      stack_.push_back(dir);
      std::vector<Object> configs;
      try {
        configs = load_resource(dir, entry, dropped);
      } catch (const Error& e) {
        stack_.pop_back();
        throw e.with_context("plugin config '" + entry + "'");
      }
      stack_.pop_back();
      return configs;
    };
    context.read_file = [this, &dir](const std::string& entry) {
      return generator_file(dir, entry);
    };
    if (metadata_.track_origins) context.inline_origin = Origin::of_file(configured_in);
    return context;
  }

  std::string generator_file(const fs::path& dir, const std::string& entry) {
    std::string text = files_.read_named_file(dir, entry);
    generator_bytes_ += text.size();
    if (generator_bytes_ > kMaxGeneratorBytes) {
      throw resource_exhausted("generators read more than " +
                               std::to_string(kMaxGeneratorBytes >> 20) + " MiB in one build");
    }
    return text;
  }

  std::vector<Object> load_resource(const fs::path& dir, const std::string& entry,
                                    TransformerConfig& config) {
    if (looks_remote(entry)) {
      throw unimplemented(
          "remote resources are not supported; sluice renders only what is in the repository");
    }
    const fs::path path = files_.resolve(dir, entry);
    const OriginScope scope(origin_, entry);
    if (files_.is_directory(path)) {
      return build_kustomization(path, require_kustomization_file(path), config);
    }
    files_.require_within(path, dir);
    std::vector<Object> objects = load_file(path);
    if (metadata_.track_origins) {
      const Origin origin = Origin::of_file(origin_.string());
      for (Object& object : objects) set_origin_if_absent(object, origin);
    }
    return objects;
  }

  std::vector<Object> load_file(const fs::path& path) {
    try {
      return parse_resources(files_.read_file(path));
    } catch (const Error& e) {
      throw e.with_context(files_.display(path));
    }
  }

  void build_folder(const fs::path& dir, Accumulator& out, std::set<fs::path>& visited,
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
          out.append(build_kustomization(real, *file, out.config()));
        } else {
          build_folder(real, out, visited, depth + 1);
        }
      } else if (is_yaml_file(entry) && files_.is_regular_file(real)) {
        out.append(load_file(real));
      }
    }
  }

  // kustomize's Origin path while it descends: a resource entry or component appended to its
  // parent's, as written (lexically normalised), relative to the top kustomization.
  class OriginScope {
   public:
    OriginScope(fs::path& origin, const std::string& entry) : origin_(origin), saved_(origin) {
      origin_ = (origin_ / entry).lexically_normal();
    }
    ~OriginScope() { origin_ = std::move(saved_); }
    OriginScope(const OriginScope&) = delete;
    OriginScope& operator=(const OriginScope&) = delete;

   private:
    fs::path& origin_;
    fs::path saved_;
  };

  const FileSystem& files_;
  std::vector<std::string>* warnings_;
  OpenApiState openapi_;
  const ActiveOpenApi active_openapi_{openapi_};
  BuildMetadata metadata_;
  fs::path origin_;
  std::vector<transformers::Var> vars_;
  std::vector<fs::path> stack_;
  std::size_t loaded_ = 0;
  std::size_t generator_bytes_ = 0;
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
  TransformerConfig config;
  std::vector<Object> resources = builder.build_top(start, sort, config);
  add_name_hashes(resources);
  // Once, after everything is accumulated (kustomize's FixBackReferences), with the top
  // accumulator's config.
  transformers::fix_name_references(resources, name_histories(resources), config.name_reference);
  // Then vars, as kusttarget.go's ResolveVars.
  transformers::resolve_vars(resources, builder.vars(), config.var_reference, options.warnings);
  drop_local_configs(resources);
  finish_build_metadata(resources, builder.metadata());
  finish_annotations(resources, builder.metadata().origin_annotations &&
                                    builder.metadata().transformer_annotations);
  for (Object& object : resources) strip_history(object);
  sort_resources(resources, sort);
  return resources;
}

}  // namespace sluice::render
