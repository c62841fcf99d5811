#pragma once

// The Application reconcile, as a straight pipeline of phases over one ApplicationRun
// (controller/application_run.h). The pipeline (controller/application_pipeline.h) runs each
// phase group as a stage of fibers connected by channels; a run that fails or ends early skips
// to finish(), which always runs: the status is patched on every exit (when it changed).
//
//   load     the Application, its spec, suspend, deletion (prune, then the finalizer),
//            dependsOn (Ready at their current generation), the source's artifact
//   render   kustomize build of spec.path from the artifact (blocking pool), postBuild
//            substitution, targetNamespace, ownership labels; reused while its inputs stay
//   verify   every SigningPolicy governing the Application (policy/gate.h): Enforce blocks,
//            Audit reports
//   apply    the diff from the watch cache (nothing sent for unchanged, undrifted objects),
//            the inventory recorded first when it grows, staged server-side apply
//   prune    objects the previous inventory has and the revision lacks (spec.prune)
//   health   kstatus health of every object from the watch cache, within spec.timeout
//            (spec.wait)
//   finish   status, events, metrics; when to reconcile again
//
// An interval reconcile of an unchanged revision without drift sends nothing to the API
// server: the Application, its source, the policies and the applied objects all come from
// watch caches, the render and the verdict are reused, and the status is written only when
// it changed. Reconciles triggered by drift reuse the render and the verdict too; the interval
// (or a new revision, a spec change, a reconcile request) re-renders and re-runs the gate.

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "controller/application_run.h"
#include "controller/artifact_store.h"
#include "controller/context.h"
#include "controller/owned_objects.h"
#include "core/duration.h"
#include "kube/informer.h"
#include "policy/evidence.h"
#include "runtime/abort_source.h"

namespace sluice::controller {

// Tenancy. An Application's spec.serviceAccountName (else default_service_account, when set)
// names the ServiceAccount of its own namespace that every apply and prune is sent as
// (impersonation), so its RBAC decides what the Application may create or delete: another
// namespace (targetNamespace, or a namespace in a manifest), cluster-scoped objects, or a
// SigningPolicy are refused unless the account may write them. Health and drift read the
// operator's watch cache, and only the objects the Application applied. With
// no_cross_namespace_refs a sourceRef or dependsOn into another namespace is refused
// (Ready=False AccessDenied, Stalled until the spec changes).
struct ApplicationReconcilerOptions {
  std::string operator_namespace = "sluice-system";  // default namespace of policy Secrets
  std::size_t apply_parallelism = 8;
  std::string default_service_account;  // empty: the operator's own identity
  bool no_cross_namespace_refs = false;
};

struct Caches {
  const kube::Informer& applications;
  const kube::Informer& sources;
  const kube::Informer& policies;
};

class ApplicationReconciler {
 public:
  ApplicationReconciler(Context& context, Caches caches, ArtifactStore& store, OwnedObjects& owned,
                        const policy::CommitVerifier& commit_verifier,
                        const policy::ImageVerifier& image_verifier,
                        ApplicationReconcilerOptions options);

  // A new run for `key`, started now.
  std::unique_ptr<ApplicationRun> start(const std::string& key);

  void load(ApplicationRun& run, runtime::AbortSource& abort);
  void render(ApplicationRun& run, runtime::AbortSource& abort);
  void verify(ApplicationRun& run, runtime::AbortSource& abort);
  void apply(ApplicationRun& run, runtime::AbortSource& abort);
  void prune(ApplicationRun& run, runtime::AbortSource& abort);
  void check_health(ApplicationRun& run, runtime::AbortSource& abort);
  // Returns when to reconcile again; nullopt: only when something changes.
  std::optional<Duration> finish(ApplicationRun& run);

 private:
  ApplicationMemory& memory_of(const std::string& key);
  void forget(const std::string& key);
  void ensure_finalizer(ApplicationRun& run);
  void finalize(ApplicationRun& run, runtime::AbortSource& abort);
  bool dependencies_ready(ApplicationRun& run);
  // --no-cross-namespace-refs; fails the run (stalled) and returns false on a violation.
  bool references_allowed(ApplicationRun& run);
  StringMap substitutions(const ApplicationRun& run);
  std::vector<Object> build(const ApplicationRun& run, const StringMap& variables);
  void prepare(const ApplicationRun& run, std::vector<Object>& objects);
  kube::Client client_for(const ApplicationRun& run) const;
  Json next_status(const ApplicationRun& run, const Json& current) const;
  void record_events(const ApplicationRun& run);

  Context& context_;
  Caches caches_;
  ArtifactStore& store_;
  OwnedObjects& owned_;
  const policy::CommitVerifier& commit_verifier_;
  const policy::ImageVerifier& image_verifier_;
  ApplicationReconcilerOptions options_;

  std::mutex memory_mu_;  // guards the map, not the entries (one run per key at a time)
  std::map<std::string, std::unique_ptr<ApplicationMemory>> memory_;
};

// The Application resource (sluice.dev/v1alpha1 applications).
kube::Resource applications();

}  // namespace sluice::controller
