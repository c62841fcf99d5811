#pragma once
// The OpenAPI schema one build uses, with the history kustomize v5.5 gives it. kyaml keeps the
// schema in process-wide state that kustomize sets as it meets `openapi:` fields, and the
// result depends on that history, so sluice replays it:
// - the top kustomization's field applies first; then, walking resources and components in
//   build order, the first kustomization that has one sets it, and every later field is
//   ignored (without being checked); the choice holds for the whole build, bases and overlays
//   alike;
// - `openapi: {version: v1.21.2}` is kyaml's one built-in schema, the default; any other
//   version fails; `path` and `version` together fail;
// - a custom schema is read (and must parse) when something first consults the schema after
//   it was set. It replaces the built-in schema, unless the built-in one was already loaded
//   (a strategic merge ran before: the custom definitions then win over built-in ones of the
//   same name) or was asked for in passing (a kind outside kyaml's precomputed scope table was
//   seen before: the built-in one is then loaded after the custom one, and wins).
//
// kyaml's state is global; sluice's is per build, reached by the transformers through
// active_openapi(), which the builder sets for the thread running the build (ActiveOpenApi).
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/object.h"
#include "render/file_system.h"
#include "render/openapi_schema.h"

namespace sluice::render {

// What schema lookups see at one moment (kyaml's global schema once initialised).
struct OpenApiLayers {
  const CustomOpenApiSchema* custom = nullptr;  // null: no custom schema
  bool builtin = true;                          // the built-in definitions are loaded
  // Both are loaded and the built-in ones were loaded last, so they win on equal names.
  bool builtin_wins = false;
};

class OpenApiState {
 public:
  // kustomize's SetSchema for the kustomization in `dir` with `openapi` field `field`, called
  // for every kustomization in build order (the top one first; kustomize resets the schema
  // there, which a fresh state needs not): reads `path` (as kustomize does even when the
  // field is then ignored) and records the choice. Throws kInvalidArgument (both keys, an
  // unknown version), or the FileSystem's errors.
  void declare(const FileSystem& files, const std::filesystem::path& dir, const StringMap& field);

  // kyaml's initSchema, then the loaded layers. Throws kInvalidArgument when the custom schema
  // does not parse.
  OpenApiLayers layers();

  // kyaml's IsNamespaceScoped for a kind outside its precomputed table: the custom schema's
  // `paths` answer, or nullopt when unknown. May load the schema, as in kyaml.
  std::optional<bool> namespace_scoped(std::string_view api_version, std::string_view kind);

 private:
  void initialise();

  enum class Builtin { kNotLoaded, kWanted, kLoaded };
  std::string version_;  // "", kyaml's built-in version, or "custom"
  std::optional<std::string> custom_text_;
  std::unique_ptr<const CustomOpenApiSchema> custom_;
  bool initialised_ = false;
  Builtin builtin_ = Builtin::kNotLoaded;
  bool builtin_wins_ = false;
};

// The state of the build running on this thread, or nullptr outside a build (the built-in
// schema alone then applies).
OpenApiState* active_openapi();

// Makes `state` the active one for this thread while it lives; restores the previous one.
class ActiveOpenApi {
 public:
  explicit ActiveOpenApi(OpenApiState& state);
  ~ActiveOpenApi();
  ActiveOpenApi(const ActiveOpenApi&) = delete;
  ActiveOpenApi& operator=(const ActiveOpenApi&) = delete;

 private:
  OpenApiState* previous_;
};

// kyaml's IsCertainlyClusterScoped for a kind kustomize's precomputed table does not list as
// cluster-scoped: false for the table's namespaced kinds, else what the active build's custom
// schema says (false when it says nothing).
bool custom_cluster_scoped(std::string_view api_version, std::string_view kind);

}  // namespace sluice::render
