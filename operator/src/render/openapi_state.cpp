#include "render/openapi_state.h"

#include <algorithm>
#include <array>
#include <utility>

#include "core/error.h"

namespace sluice::render {
namespace {

// kyaml's one built-in Kubernetes schema (kubernetesapi.DefaultOpenAPI in kyaml v0.18.1).
constexpr std::string_view kBuiltinVersion = "v1.21.2";

// The namespaced entries of kyaml's precomputedIsNamespaceScoped (kustomize v5.5); the
// cluster-scoped ones are resource_id.cpp's. Kinds in either never consult the schema.
constexpr std::array<std::pair<std::string_view, std::string_view>, 45> kPrecomputedNamespaced = {{
    {"apps/v1", "ControllerRevision"},
    {"apps/v1", "DaemonSet"},
    {"apps/v1", "Deployment"},
    {"apps/v1", "ReplicaSet"},
    {"apps/v1", "StatefulSet"},
    {"autoscaling/v1", "HorizontalPodAutoscaler"},
    {"autoscaling/v1", "Scale"},
    {"autoscaling/v2beta1", "HorizontalPodAutoscaler"},
    {"autoscaling/v2beta2", "HorizontalPodAutoscaler"},
    {"batch/v1", "CronJob"},
    {"batch/v1", "Job"},
    {"batch/v1beta1", "CronJob"},
    {"coordination.k8s.io/v1", "Lease"},
    {"coordination.k8s.io/v1beta1", "Lease"},
    {"discovery.k8s.io/v1", "EndpointSlice"},
    {"discovery.k8s.io/v1beta1", "EndpointSlice"},
    {"events.k8s.io/v1", "Event"},
    {"events.k8s.io/v1beta1", "Event"},
    {"extensions/v1beta1", "Ingress"},
    {"networking.k8s.io/v1", "Ingress"},
    {"networking.k8s.io/v1", "NetworkPolicy"},
    {"networking.k8s.io/v1beta1", "Ingress"},
    {"policy/v1", "PodDisruptionBudget"},
    {"policy/v1beta1", "PodDisruptionBudget"},
    {"rbac.authorization.k8s.io/v1", "Role"},
    {"rbac.authorization.k8s.io/v1", "RoleBinding"},
    {"rbac.authorization.k8s.io/v1beta1", "Role"},
    {"rbac.authorization.k8s.io/v1beta1", "RoleBinding"},
    {"storage.k8s.io/v1beta1", "CSIStorageCapacity"},
    {"v1", "ConfigMap"},
    {"v1", "Endpoints"},
    {"v1", "Event"},
    {"v1", "LimitRange"},
    {"v1", "PersistentVolumeClaim"},
    {"v1", "Pod"},
    {"v1", "PodAttachOptions"},
    {"v1", "PodExecOptions"},
    {"v1", "PodPortForwardOptions"},
    {"v1", "PodProxyOptions"},
    {"v1", "PodTemplate"},
    {"v1", "ReplicationController"},
    {"v1", "ResourceQuota"},
    {"v1", "Secret"},
    {"v1", "Service"},
    {"v1", "ServiceAccount"},
}};

thread_local OpenApiState* active_state = nullptr;

}  // namespace

void OpenApiState::declare(const FileSystem& files, const std::filesystem::path& dir,
                           const StringMap& field) {
  std::optional<std::string> text;
  if (const auto path = field.find("path"); path != field.end()) {
    try {
      text = files.read_named_file(dir, path->second);
    } catch (const Error& e) {
      throw e.with_context("openapi");
    }
  }
  // kyaml sets the schema once per build.
  if (!version_.empty() || custom_text_) return;
  const auto version = field.find("version");
  if (text) {
    if (version != field.end()) {
      throw invalid_argument(
          "openapi: builtin version and custom schema provided, cannot use both");
    }
    custom_text_ = std::move(text);
    version_ = "custom";
    initialised_ = false;
    return;
  }
  version_ = version == field.end() ? std::string() : version->second;
  if (version_.empty()) return;
  if (version_ != kBuiltinVersion) {
    throw invalid_argument("openapi: the specified OpenAPI version is not built in ('" + version_ +
                           "'; kustomize knows only " + std::string(kBuiltinVersion) + ")");
  }
  custom_text_.reset();
  initialised_ = false;
}

void OpenApiState::initialise() {
  if (initialised_) return;
  initialised_ = true;
  if (custom_text_) {
    try {
      custom_ =
          std::make_unique<const CustomOpenApiSchema>(CustomOpenApiSchema::parse(*custom_text_));
    } catch (const Error& e) {
      throw e.with_context("openapi");
    }
    // Definitions loaded later replace earlier ones of the same name.
    builtin_wins_ = false;
  } else {
    // kyaml reloads the built-in definitions here, over any custom ones loaded before.
    if (custom_) builtin_wins_ = true;
    builtin_ = Builtin::kLoaded;
  }
  if (builtin_ == Builtin::kWanted) {
    builtin_ = Builtin::kLoaded;
    builtin_wins_ = true;
  }
}

OpenApiLayers OpenApiState::layers() {
  initialise();
  return {custom_.get(), builtin_ == Builtin::kLoaded || custom_ == nullptr, builtin_wins_};
}

std::optional<bool> OpenApiState::namespace_scoped(std::string_view api_version,
                                                   std::string_view kind) {
  if (!initialised_) {
    if (custom_text_) {
      initialise();
    } else {
      // With the default schema kyaml defers loading it until something else needs it, but
      // remembers to load it then, even when a custom schema comes in between.
      if (builtin_ == Builtin::kNotLoaded) builtin_ = Builtin::kWanted;
    }
  }
  if (custom_ == nullptr) return std::nullopt;
  return custom_->namespace_scoped(api_version, kind);
}

OpenApiState* active_openapi() {
  return active_state;
}

ActiveOpenApi::ActiveOpenApi(OpenApiState& state) : previous_(active_state) {
  active_state = &state;
}

ActiveOpenApi::~ActiveOpenApi() {
  active_state = previous_;
}

bool custom_cluster_scoped(std::string_view api_version, std::string_view kind) {
  const bool precomputed = std::any_of(
      kPrecomputedNamespaced.begin(), kPrecomputedNamespaced.end(),
      [&](const auto& entry) { return entry.first == api_version && entry.second == kind; });
  if (precomputed || active_state == nullptr) return false;
  const std::optional<bool> namespaced = active_state->namespace_scoped(api_version, kind);
  return namespaced.has_value() && !*namespaced;
}

}  // namespace sluice::render
