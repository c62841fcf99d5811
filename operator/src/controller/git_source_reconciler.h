#pragma once

// The GitSource reconcile: poll the repository (one ref listing when nothing changed), write a
// read-only snapshot of a new revision into the ArtifactStore, and report status.artifact and
// the signature evidence. A failed fetch keeps the last artifact (and its status) in place.
//
//   Ready=True  ArtifactStored            the artifact is current
//   Ready=False SecretNotFound | AuthenticationFailed | HostKeyRejected | RefNotFound |
//               GitOperationFailed | ArtifactFailed      retried after the interval
//   Ready=False WebhookSecretNotFound     the artifact is current, the webhook is not served
//   Ready=False InvalidSpec, Stalled=True                 waits for a spec change
//
// With a webhook receiver (`webhooks`), each reconcile also registers the source's
// spec.webhook there (reading its Secret's `token`; before the fetch, so the path answers
// while a fetch runs) or removes it, and reports the path in status.webhookPath. Without one,
// spec.webhook is ignored and status.webhookPath stays unset.
//
// Status is patched only when it changed, so an unchanged poll writes nothing.

#include <functional>
#include <optional>
#include <string>

#include "api/git_source.h"
#include "controller/artifact_store.h"
#include "controller/context.h"
#include "core/duration.h"
#include "git/repository_cache.h"
#include "git/snapshot.h"
#include "kube/informer.h"
#include "runtime/abort_source.h"
#include "server/webhook_receiver.h"

namespace sluice::controller {

class GitSourceReconciler {
 public:
  // `on_artifact(source_key)` is called as soon as a new artifact is published, before and
  // whatever the outcome of the status patch that follows (Applications using the source are
  // enqueued by it, and read the artifact from the store). `webhooks`, when not null, must outlive
  // the reconciler. `snapshot_max_files` bounds the files of each snapshot
  // (git::SnapshotOptions::max_entries).
  GitSourceReconciler(Context& context, const kube::Informer& sources, ArtifactStore& store,
                      std::function<void(const std::string&)> on_artifact,
                      server::WebhookRegistry* webhooks = nullptr,
                      std::size_t snapshot_max_files = git::SnapshotOptions{}.max_entries);

  // Reconciles the GitSource `key` ("namespace/name"); returns when to poll again, nullopt for
  // "only when the object changes" (suspended, invalid, deleted).
  std::optional<Duration> reconcile(const std::string& key, runtime::AbortSource& abort);

 private:
  Context& context_;
  const kube::Informer& sources_;
  ArtifactStore& store_;
  git::RepositoryCache repositories_;
  std::function<void(const std::string&)> on_artifact_;
  server::WebhookRegistry* webhooks_;
  std::size_t snapshot_max_files_;
};

// Registers spec.webhook of the source `key` with `webhooks`, reading its Secret's `token`, and
// returns the path; without spec.webhook removes the source and returns "". A Secret that
// cannot be read, or has no token, is thrown (the source is removed first, so its path answers
// 404). The token is never logged.
std::string register_webhook(server::WebhookRegistry& webhooks, const kube::Client& client,
                             const std::string& key, const api::GitSourceSpec& spec);

// The GitSource resource (sluice.dev/v1alpha1 gitsources).
kube::Resource git_sources();

// The git credentials in Secret `ns`/`name` (spec.secretRef; keys as git/credentials.h names
// them), read with `client`. Throws what the read throws, and kInvalidArgument (naming the
// Secret, never a value) for data that is not base64. The values never reach a message.
git::Credentials read_git_credentials(const kube::Client& client, const std::string& ns,
                                      const std::string& name);

}  // namespace sluice::controller
