#include "controller/git_source_reconciler.h"

#include <chrono>

#include "api/conditions.h"
#include "api/git_source.h"
#include "api/group.h"
#include "controller/policy_inputs.h"
#include "controller/reasons.h"
#include "controller/status_patch.h"
#include "core/rfc3339.h"
#include "core/sha256.h"
#include "git/pull.h"
#include "git/ref.h"
#include "server/webhook.h"
#include "verify/signature_evidence.h"

namespace sluice::controller {
namespace {

using api::ConditionStatus;
namespace condition = api::condition;

// A failure with the reason constant of its site.
struct Failure {
  std::string_view reason;
  Error error;
  bool stalled = false;  // needs a spec change, not a retry
};

git::Ref to_git_ref(const api::GitRef& ref) {
  git::Ref out = !ref.branch.empty()   ? git::Ref::branch(ref.branch)
                 : !ref.tag.empty()    ? git::Ref::tag(ref.tag)
                 : !ref.semver.empty() ? git::Ref::semver(ref.semver)
                                       : git::Ref::commit(ref.commit);
  git::validate(out);
  return out;
}

std::string_view fetch_reason(const Error& error) {
  switch (error.code()) {
    case ErrorCode::kUnauthenticated:
    case ErrorCode::kPermissionDenied:
      return reason::kAuthenticationFailed;
    case ErrorCode::kVerificationFailed:
      return reason::kHostKeyRejected;
    case ErrorCode::kNotFound:
      return reason::kRefNotFound;
    default:
      return reason::kGitOperationFailed;
  }
}

// Registers the source's spec.webhook with the receiver, or removes it, and sets
// status.webhookPath to match. An unreadable Secret unregisters the source (its path answers
// 404) and is returned, to be reported once the fetch is done. The token is never logged.
std::optional<Failure> sync_webhook(server::WebhookRegistry* webhooks, const kube::Client& client,
                                    const std::string& key, const api::GitSourceSpec& spec,
                                    Json& status) {
  if (webhooks == nullptr) {
    status.erase("webhookPath");
    return std::nullopt;
  }
  try {
    const std::string path = register_webhook(*webhooks, client, key, spec);
    if (path.empty()) {
      status.erase("webhookPath");
    } else {
      status["webhookPath"] = path;
    }
    return std::nullopt;
  } catch (const Error& e) {
    if (e.code() == ErrorCode::kCancelled) throw;
    status.erase("webhookPath");
    return Failure{reason::kWebhookSecretNotFound, e.with_context("spec.webhook.secretRef"), false};
  }
}

Json verification_of(const Artifact& artifact) {
  const auto& signature =
      artifact.tag_signature ? artifact.tag_signature : artifact.commit_signature;
  if (!signature) return Json{{"method", "unsigned"}};
  const verify::SignatureEvidence evidence = verify::describe_signature(signature->signature);
  Json out{{"method", evidence.method}};
  if (!evidence.signer.empty()) out["signer"] = evidence.signer;
  if (!evidence.fingerprint.empty()) out["fingerprint"] = evidence.fingerprint;
  return out;
}

}  // namespace

kube::Resource git_sources() {
  return sluice_resource(api::kGitSourcePlural, true);
}

git::Credentials read_git_credentials(const kube::Client& client, const std::string& ns,
                                      const std::string& name) {
  const Json secret = client.get(kube::secrets(), ns, name);
  const auto value = [&](const std::string& key) {
    try {
      return data_value(secret, key, DataSource::kSecret);
    } catch (const Error& e) {
      throw e.with_context("Secret " + ns + "/" + name);
    }
  };
  git::Credentials credentials;
  credentials.username = value("username");
  credentials.password = value("password");
  credentials.bearer_token = value("bearerToken");
  credentials.identity = value("identity");
  credentials.known_hosts = value("known_hosts");
  credentials.ca_cert = value("ca.crt");
  return credentials;
}

std::string register_webhook(server::WebhookRegistry& webhooks, const kube::Client& client,
                             const std::string& key, const api::GitSourceSpec& spec) {
  if (!spec.webhook) {
    webhooks.remove(key);
    return "";
  }
  const auto [ns, name] = split_key(key);
  const std::string& secret_name = spec.webhook->secret_name;
  try {
    const Json secret = client.get(kube::secrets(), ns, secret_name);
    std::optional<std::string> token = data_value(secret, "token", DataSource::kSecret);
    if (!token || token->empty()) {
      throw invalid_argument("Secret " + ns + "/" + secret_name + " has no key \"token\"");
    }
    server::WebhookTarget target;
    target.source_key = key;
    target.token = std::move(*token);
    target.provider = server::webhook_provider_named(spec.webhook->type);
    target.branch = spec.ref.branch;
    target.tags = !spec.ref.tag.empty() || !spec.ref.semver.empty();
    return webhooks.set(std::move(target));
  } catch (...) {
    webhooks.remove(key);
    throw;
  }
}

GitSourceReconciler::GitSourceReconciler(Context& context, const kube::Informer& sources,
                                         ArtifactStore& store,
                                         std::function<void(const std::string&)> on_artifact,
                                         server::WebhookRegistry* webhooks,
                                         std::size_t snapshot_max_files)
    : context_(context),
      sources_(sources),
      store_(store),
      repositories_(store.repositories()),
      on_artifact_(std::move(on_artifact)),
      webhooks_(webhooks),
      snapshot_max_files_(snapshot_max_files) {}

std::optional<Duration> GitSourceReconciler::reconcile(const std::string& key,
                                                       runtime::AbortSource& abort) {
  const auto [ns, name] = split_key(key);
  const std::optional<Json> cached = sources_.get(ns, name);
  if (!cached || find_member(*cached, {"metadata", "deletionTimestamp"}) != nullptr) {
    if (webhooks_ != nullptr) webhooks_->remove(key);
    store_.remove(key);
    context_.blocking.run([this] { store_.collect_garbage(); });
    return std::nullopt;
  }
  const Object source(*cached);
  const std::int64_t observed = generation_of(*cached);

  Json status = status_of(*cached);
  api::Conditions conditions = api::Conditions::from_json(find_member(status, {"conditions"}));
  const std::string now = format_rfc3339(std::chrono::system_clock::now());
  const auto finish = [&](std::optional<Failure> failure) {
    if (failure) {
      conditions.set(condition::kReady, ConditionStatus::kFalse, failure->reason,
                     failure->error.message(), observed, now);
      if (failure->stalled) {
        conditions.set(condition::kStalled, ConditionStatus::kTrue, failure->reason,
                       failure->error.message(), observed, now);
      } else {
        conditions.remove(condition::kStalled);
      }
    } else {
      conditions.remove(condition::kStalled);
    }
    conditions.remove(condition::kReconciling);
    status["conditions"] = conditions.to_json();
    status["observedGeneration"] = observed;
    if (auto requested = source.annotation(api::annotation::kReconcileRequestedAt)) {
      status["lastHandledReconcileAt"] = *requested;
    }
    write_status(context_.client, git_sources(), *cached, status);
  };

  api::GitSourceSpec spec;
  git::Ref ref;
  try {
    spec = api::parse_git_source_spec(source);
    ref = to_git_ref(spec.ref);
  } catch (const Error& e) {
    if (webhooks_ != nullptr) webhooks_->remove(key);
    status.erase("webhookPath");
    finish(Failure{reason::kInvalidSpec, e, true});
    return std::nullopt;
  }
  // Before the suspend check: a suspended source keeps its path (a push then finds nothing to
  // do), and after a restart it answers as before.
  const std::optional<Failure> webhook_failure =
      sync_webhook(webhooks_, context_.client, key, spec, status);
  if (spec.suspend) return std::nullopt;

  git::FetchOptions fetch_options;
  fetch_options.timeout = spec.timeout;
  if (spec.secret_name) {
    try {
      fetch_options.credentials = read_git_credentials(context_.client, ns, *spec.secret_name);
    } catch (const Error& e) {
      abort.check();
      finish(Failure{reason::kSecretNotFound, e.with_context("secretRef"), false});
      return with_jitter(spec.interval, 0.1);
    }
  }

  // Fetch: a ref listing, and a download only when the ref moved (git/repository_cache.h).
  git::FetchResult fetched;
  const auto started = std::chrono::steady_clock::now();
  try {
    fetched =
        context_.blocking.run([&] { return repositories_.fetch(spec.url, ref, fetch_options); });
    context_.metrics.git_fetch_duration.labels({"success"})
        .observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  } catch (const Error& e) {
    context_.metrics.git_fetch_duration.labels({"failure"})
        .observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    abort.check();
    const std::string_view why = fetch_reason(e);
    finish(Failure{why, e, false});
    context_.events.record({kube::ObjectReference::to(*cached), kube::EventType::kWarning,
                            std::string(why), "Fetch", e.message()});
    return with_jitter(spec.interval, 0.1);
  }

  // A snapshot only when the commit or the ignore rules changed since the current artifact.
  const std::string variant = sha256_hex(spec.ignore).substr(0, 16);
  ArtifactPtr artifact = store_.current(key);
  const bool fresh =
      !artifact || artifact->commit != fetched.commit || artifact->variant != variant;
  if (fresh) {
    try {
      artifact = context_.blocking.run([&] {
        auto next = std::make_shared<Artifact>();
        next->source_key = key;
        next->commit = fetched.commit;
        next->revision = git::format_revision(fetched.resolved, fetched.commit);
        next->variant = variant;
        next->dir = store_.snapshot_dir(key, fetched.commit);
        git::SnapshotOptions options;
        options.max_total_bytes = fetch_options.max_repository_bytes;
        options.max_entries = snapshot_max_files_;
        if (!spec.ignore.empty()) options.ignore.push_back(spec.ignore);
        next->digest =
            git::write_snapshot(fetched.repository, fetched.commit, next->dir, options).digest;
        next->commit_signature = git::commit_signature(fetched.repository, fetched.commit);
        if (fetched.resolved.kind == git::RefKind::kTag) {
          next->tag_signature = git::tag_signature(fetched.repository, fetched.resolved.name);
        }
        return ArtifactPtr(std::move(next));
      });
    } catch (const Error& e) {
      abort.check();
      finish(Failure{reason::kArtifactFailed, e, false});
      return with_jitter(spec.interval, 0.1);
    }
    store_.publish(artifact);
    context_.blocking.run([this] { store_.collect_garbage(); });
    // The Applications read the artifact from the store, not from this status: tell them now.
    // After the status patch below, a failing patch (an apiserver timeout, etcd down) would
    // leave them waiting for their own interval, since the retry finds nothing fresh.
    if (on_artifact_) on_artifact_(key);
  }

  // The artifact's lastUpdateTime moves only with the revision or digest.
  const Json* previous = find_member(status, {"artifact"});
  const bool same = previous != nullptr &&
                    string_member(*previous, {"revision"}) == artifact->revision &&
                    string_member(*previous, {"digest"}) == artifact->digest;
  status["artifact"] =
      Json{{"revision", artifact->revision},
           {"digest", artifact->digest},
           {"lastUpdateTime", same ? string_member(*previous, {"lastUpdateTime"}) : now}};
  status["verification"] = verification_of(*artifact);
  if (webhook_failure) {
    finish(webhook_failure);
    context_.events.record({kube::ObjectReference::to(*cached), kube::EventType::kWarning,
                            std::string(webhook_failure->reason), "Webhook",
                            webhook_failure->error.message()});
  } else {
    conditions.set(condition::kReady, ConditionStatus::kTrue, reason::kArtifactStored,
                   "stored artifact for revision '" + artifact->revision + "'", observed, now);
    finish(std::nullopt);
  }
  if (!same) {
    context_.events.record({kube::ObjectReference::to(*cached), kube::EventType::kNormal,
                            std::string(reason::kArtifactStored), "Fetch",
                            "stored artifact for revision '" + artifact->revision + "'"});
  }
  return with_jitter(spec.interval, 0.1);
}

}  // namespace sluice::controller
