#include "controller/application_reconciler.h"

#include <algorithm>

#include "api/conditions.h"
#include "api/group.h"
#include "apply/drift.h"
#include "apply/pruner.h"
#include "controller/application_render.h"
#include "controller/policy_inputs.h"
#include "controller/reasons.h"
#include "controller/status_patch.h"
#include "policy/gate.h"

namespace sluice::controller {
namespace {

bool has_finalizer(const Json& object) {
  const Json* finalizers = find_member(object, {"metadata", "finalizers"});
  if (finalizers == nullptr || !finalizers->is_array()) return false;
  return std::find(finalizers->begin(), finalizers->end(), Json(api::kFinalizer)) !=
         finalizers->end();
}

// The object's finalizers with ours added or removed, as a merge patch conditioned on the
// resourceVersion read (a concurrent change of the list is a conflict, not a lost update).
Json finalizer_patch(const Json& object, bool add) {
  Json list = Json::array();
  if (const Json* finalizers = find_member(object, {"metadata", "finalizers"});
      finalizers != nullptr && finalizers->is_array()) {
    for (const Json& item : *finalizers) {
      if (item != Json(api::kFinalizer)) list.push_back(item);
    }
  }
  if (add) list.push_back(api::kFinalizer);
  return Json{{"metadata",
               {{"finalizers", std::move(list)},
                {"resourceVersion", string_member(object, {"metadata", "resourceVersion"})}}}};
}

std::string join_fingerprint(std::initializer_list<std::string_view> parts) {
  std::string text;
  for (const std::string_view part : parts) {
    text += std::to_string(part.size()) + ":";
    text += part;
  }
  return apply::fingerprint(Json(text));
}

std::string map_text(const StringMap& map) {
  Json json = Json::object();
  for (const auto& [key, value] : map) json[key] = value;
  return json.dump();
}

}  // namespace

kube::Resource applications() {
  return sluice_resource(api::kApplicationPlural, true);
}

ApplicationReconciler::ApplicationReconciler(Context& context, Caches caches, ArtifactStore& store,
                                             OwnedObjects& owned,
                                             const policy::CommitVerifier& commit_verifier,
                                             const policy::ImageVerifier& image_verifier,
                                             ApplicationReconcilerOptions options)
    : context_(context),
      caches_(caches),
      store_(store),
      owned_(owned),
      commit_verifier_(commit_verifier),
      image_verifier_(image_verifier),
      options_(std::move(options)) {}

ApplicationMemory& ApplicationReconciler::memory_of(const std::string& key) {
  std::lock_guard lock(memory_mu_);
  std::unique_ptr<ApplicationMemory>& memory = memory_[key];
  if (!memory) memory = std::make_unique<ApplicationMemory>();
  return *memory;
}

void ApplicationReconciler::forget(const std::string& key) {
  std::lock_guard lock(memory_mu_);
  memory_.erase(key);
}

std::unique_ptr<ApplicationRun> ApplicationReconciler::start(const std::string& key) {
  auto run = std::make_unique<ApplicationRun>();
  run->key = key;
  run->started = context_.clock.now();
  return run;
}

kube::Client ApplicationReconciler::client_for(const ApplicationRun& run) const {
  const std::string& account = run.spec.service_account_name.empty()
                                   ? options_.default_service_account
                                   : run.spec.service_account_name;
  if (account.empty()) return context_.client;
  return context_.client.impersonating(
      kube::Impersonation::service_account(run.application.namespace_name(), account));
}

// ---- load -----------------------------------------------------------------------------------

void ApplicationReconciler::load(ApplicationRun& run, runtime::AbortSource& abort) {
  const auto [ns, name] = split_key(run.key);
  std::optional<Json> cached = caches_.applications.get(ns, name);
  if (!cached) {
    forget(run.key);
    run.outcome = Outcome::kGone;
    return;
  }
  run.memory = &memory_of(run.key);
  run.cached = newer_of(*cached, run.memory->written);
  run.application = Object(run.cached);
  run.generation = generation_of(run.cached);
  run.previous_inventory =
      apply::Inventory::from_status(find_member(run.cached, {"status", "inventory"}));
  run.inventory = run.previous_inventory;
  const bool deleting = find_member(run.cached, {"metadata", "deletionTimestamp"}) != nullptr;

  try {
    run.spec = api::parse_application_spec(run.application);
  } catch (const Error& e) {
    // Being deleted without a readable spec, whether to prune is unknown: the default spec
    // (prune: false) releases the object and deletes nothing.
    if (!deleting) {
      run.fail(reason::kInvalidSpec, e, true);
      return;
    }
  }
  if (deleting) {
    finalize(run, abort);
    return;
  }
  if (run.spec.suspend) {
    run.outcome = Outcome::kSuspended;
    return;
  }
  if (!references_allowed(run)) return;
  ensure_finalizer(run);
  if (run.done() || !dependencies_ready(run)) return;

  const std::string source_ns =
      run.spec.source_ref.namespace_.empty() ? ns : run.spec.source_ref.namespace_;
  const std::string source_key = object_key(source_ns, run.spec.source_ref.name);
  const std::optional<Json> source = caches_.sources.get(source_ns, run.spec.source_ref.name);
  if (!source) {
    run.outcome = Outcome::kWaiting;
    run.failure = Failure{reason::kSourceNotFound,
                          not_found("GitSource " + source_key + " not found"), false};
    return;
  }
  run.artifact = store_.current(source_key);
  if (!run.artifact && !string_member(*source, {"status", "artifact", "revision"}).empty()) {
    // The source has a revision that this process (just started, or just elected) has not
    // fetched yet. The status still tells the truth about what is applied: leave it, and let
    // the new artifact enqueue this Application (no Ready=False flap on every restart).
    run.outcome = Outcome::kDeferred;
    return;
  }
  if (!run.artifact) {
    // The source's own failure (a fetch or a snapshot refused: too large, a symlink out of the
    // tree), so that the Application's status names the problem, not only the source.
    std::string message = "waiting for GitSource " + source_key + " to fetch a revision";
    const api::Conditions source_conditions =
        api::Conditions::from_json(find_member(*source, {"status", "conditions"}));
    const api::Condition* source_ready = source_conditions.find(api::condition::kReady);
    if (source_ready != nullptr && source_ready->status == api::ConditionStatus::kFalse) {
      message += ": " + source_ready->reason + ": " + source_ready->message;
    }
    run.outcome = Outcome::kWaiting;
    run.failure = Failure{reason::kArtifactNotReady,
                          Error(ErrorCode::kFailedPrecondition, std::move(message)), false};
    return;
  }

  const std::string requested =
      run.application.annotation(api::annotation::kReconcileRequestedAt).value_or("");
  const std::string handled = string_member(run.cached, {"status", "lastHandledReconcileAt"});
  run.full = context_.clock.now() >= run.memory->next_full ||
             run.memory->generation != run.generation || requested != handled;
}

void ApplicationReconciler::ensure_finalizer(ApplicationRun& run) {
  if (has_finalizer(run.cached)) return;
  try {
    context_.client.merge_patch(applications(), run.application.namespace_name(),
                                run.application.name(), finalizer_patch(run.cached, true));
  } catch (const Error& e) {
    run.fail(reason::kFinalizerFailed, e.with_context("adding the finalizer"));
  }
}

void ApplicationReconciler::finalize(ApplicationRun& run, runtime::AbortSource& abort) {
  if (!has_finalizer(run.cached)) {
    forget(run.key);
    run.outcome = Outcome::kGone;
    return;
  }
  if (run.spec.prune && !run.spec.suspend && !run.previous_inventory.empty()) {
    apply::Pruner pruner(client_for(run), context_.mapper, owned_);
    run.pruned = pruner.prune(run.previous_inventory.stale_in(apply::Inventory()),
                              {run.application.name(), run.application.namespace_name()}, abort);
    if (!run.pruned.failures().empty()) {
      run.fail(
          reason::kDeletionFailed,
          Error(ErrorCode::kUnavailable, "pruning on deletion: " + run.pruned.failure_message()));
      return;
    }
  }
  try {
    context_.client.merge_patch(applications(), run.application.namespace_name(),
                                run.application.name(), finalizer_patch(run.cached, false));
  } catch (const Error& e) {
    if (e.code() != ErrorCode::kNotFound) {
      run.fail(reason::kDeletionFailed, e.with_context("removing the finalizer"));
      return;
    }
  }
  forget(run.key);
  run.outcome = Outcome::kGone;
}

bool ApplicationReconciler::references_allowed(ApplicationRun& run) {
  if (!options_.no_cross_namespace_refs) return true;
  const std::string& ns = run.application.namespace_name();
  const auto refuse = [&](const std::string& field, const std::string& other) {
    run.fail(reason::kAccessDenied,
             Error(ErrorCode::kPermissionDenied, field + " refers to namespace '" + other +
                                                     "': cross-namespace references "
                                                     "are not allowed (--no-cross-namespace-refs)"),
             true);
    return false;
  };
  const std::string& source_ns = run.spec.source_ref.namespace_;
  if (!source_ns.empty() && source_ns != ns) return refuse("spec.sourceRef", source_ns);
  for (const api::DependencyReference& dependency : run.spec.depends_on) {
    if (!dependency.namespace_.empty() && dependency.namespace_ != ns) {
      return refuse("spec.dependsOn", dependency.namespace_);
    }
  }
  return true;
}

bool ApplicationReconciler::dependencies_ready(ApplicationRun& run) {
  for (const api::DependencyReference& dependency : run.spec.depends_on) {
    const std::string ns =
        dependency.namespace_.empty() ? run.application.namespace_name() : dependency.namespace_;
    const std::optional<Json> other = caches_.applications.get(ns, dependency.name);
    std::string problem;
    if (!other) {
      problem = "not found";
    } else {
      const api::Conditions conditions =
          api::Conditions::from_json(find_member(*other, {"status", "conditions"}));
      const Json* observed = find_member(*other, {"status", "observedGeneration"});
      const bool current = observed != nullptr && observed->is_number_integer() &&
                           observed->get<std::int64_t>() == generation_of(*other);
      if (!conditions.is_true(api::condition::kReady) || !current) problem = "not ready";
    }
    if (!problem.empty()) {
      run.outcome = Outcome::kWaiting;
      run.failure =
          Failure{reason::kDependencyNotReady,
                  Error(ErrorCode::kFailedPrecondition,
                        "dependency '" + object_key(ns, dependency.name) + "' is " + problem),
                  false};
      return false;
    }
  }
  return true;
}

// ---- render ---------------------------------------------------------------------------------

StringMap ApplicationReconciler::substitutions(const ApplicationRun& run) {
  // As the Application's ServiceAccount: with the operator's own rights, a tenant could copy a
  // Secret it may not read into an object it may (docs/security.md, F8).
  return read_substitutions(client_for(run), run.application.namespace_name(), run.spec);
}

std::vector<Object> ApplicationReconciler::build(const ApplicationRun& run,
                                                 const StringMap& variables) {
  const std::filesystem::path root = run.artifact->dir;
  const std::filesystem::path dir = folder_in(root, run.spec.path);
  // File I/O and CPU: on a blocking thread, whose stack also suits the renderer's recursion.
  return context_.blocking.run([&] { return render_manifests(root, dir, run.spec, variables); });
}

void ApplicationReconciler::prepare(const ApplicationRun& run, std::vector<Object>& objects) {
  prepare_manifests(context_.mapper, run.application, objects);
}

void ApplicationReconciler::render(ApplicationRun& run, runtime::AbortSource& abort) {
  ApplicationMemory& memory = *run.memory;
  const std::string base = join_fingerprint(
      {run.artifact->dir.string(), run.artifact->digest, run.spec.path, run.spec.target_namespace,
       map_text(run.spec.substitute), run.key, std::to_string(run.spec.substitute_from.size())});
  if (!run.full && memory.desired && memory.render_base == base) {
    run.desired = memory.desired;
    return;
  }
  try {
    const StringMap variables = substitutions(run);
    const std::string inputs = join_fingerprint({base, map_text(variables)});
    if (memory.desired && memory.render_inputs == inputs) {
      memory.render_base = base;
      run.desired = memory.desired;
      return;
    }
    std::vector<Object> objects;
    try {
      objects = build(run, variables);
      prepare(run, objects);
    } catch (const Error& e) {
      abort.check();
      run.fail(reason::kBuildFailed, e);
      return;
    }
    Json all = Json::array();
    for (const Object& object : objects) all.push_back(object.json());
    memory.desired_digest = "sha256:" + apply::fingerprint(all);
    memory.desired = std::make_shared<const std::vector<Object>>(std::move(objects));
    memory.render_inputs = inputs;
    memory.render_base = base;
    run.desired = memory.desired;
  } catch (const Error& e) {
    abort.check();
    run.fail(reason::kSubstituteFailed, e);
  }
}

// ---- verify ---------------------------------------------------------------------------------

void ApplicationReconciler::verify(ApplicationRun& run, runtime::AbortSource& abort) {
  ApplicationMemory& memory = *run.memory;
  const std::string inputs = join_fingerprint(
      {memory.desired_digest, run.artifact->revision, policies_fingerprint(caches_.policies),
       find_member(run.cached, {"metadata", "labels"}) ? run.cached["metadata"]["labels"].dump()
                                                       : ""});
  if (!run.full && memory.verdict && memory.verdict_inputs == inputs) {
    run.verdict = *memory.verdict;
  } else {
    const std::vector<policy::LoadedPolicy> policies = load_policies(caches_.policies);
    try {
      const policy::CommitEvidence evidence = commit_evidence(*run.artifact);
      const ApiSecretResolver secrets(context_.client, options_.operator_namespace);
      std::map<GroupKind, bool> scopes;
      for (const Object& object : *run.desired) {
        scopes[object.gvk().group_kind()] = object.namespace_name().empty();
      }
      policy::GateInput input;
      input.application = &run.application;
      input.manifests = run.desired.get();
      input.commit = &evidence;
      input.default_namespace = run.application.namespace_name();
      input.is_cluster_scoped = [&scopes](const GroupKind& kind) {
        const auto it = scopes.find(kind);
        return it != scopes.end() && it->second;
      };
      run.verdict = policy::evaluate(
          policies, input, policy::Verifiers{&secrets, &commit_verifier_, &image_verifier_});
    } catch (const Error& e) {
      abort.check();
      run.fail(reason::kVerificationFailed, e);
      return;
    }
    memory.verdict = run.verdict;
    memory.verdict_inputs = inputs;
    for (const policy::Violation& violation : run.verdict.violations) {
      context_.metrics.policy_violations
          .labels({std::string(policy::to_string(violation.mode)), violation.rule})
          .inc();
    }
  }
  run.verified = true;
  if (!run.verdict.allowed) {
    const auto blocking = std::find_if(run.verdict.violations.begin(), run.verdict.violations.end(),
                                       [](const policy::Violation& v) { return v.blocking(); });
    run.failure =
        Failure{blocking->rule,
                Error(ErrorCode::kVerificationFailed, blocking->object + ": " + blocking->message +
                                                          " (policy " + blocking->policy + ")"),
                false};
    run.outcome = Outcome::kBlocked;
  }
}

}  // namespace sluice::controller
