#pragma once

// The webhook receiver of a standby replica (`sluice run --leader-elect --webhook-addr`).
//
// A Service in front of several replicas hands a push to any of them, but only the leader
// reconciles, and its GitSource reconciles are what register the sources' webhooks. So that a
// push reaching a standby is not lost, a standby keeps the receiver's registry current itself,
// from its GitSource cache (reading a webhook's Secret only when the source changed), and
// passes a genuine push on to the leader the way `sluice reconcile source` does: by setting
// sluice.dev/reconcile-requested-at on the GitSource, which the leader's router turns into an
// immediate fetch. That annotation is the only thing a standby ever writes, and only when an
// authenticated push arrives.
//
// Threads: forward() runs on the HTTP server's threads and only queues; run() and the patches
// run on fibers of the pool.

#include <map>
#include <memory>
#include <string>

#include "kube/client.h"
#include "kube/informer.h"
#include "runtime/abort_source.h"
#include "runtime/channel.h"
#include "server/webhook_receiver.h"

namespace sluice::controller {

class StandbyWebhooks {
 public:
  StandbyWebhooks(kube::Client client, const kube::Informer& sources,
                  server::WebhookRegistry& registry);

  // Keeps the registry current every `period` until `stop` fires; does nothing while
  // `skip()` says this replica leads (its reconciles register the sources then).
  void run(runtime::AbortSource& stop, const std::function<bool()>& skip,
           std::chrono::milliseconds period = std::chrono::seconds(2));

  // Queues a request for the leader to fetch `source_key` now. Never blocks; a request while
  // 64 are queued is dropped (the leader will be fetching those sources anyway).
  void forward(const std::string& source_key);
  // Sends the queued requests until `stop` fires.
  void run_forwarder(runtime::AbortSource& stop);

 private:
  void sync();

  kube::Client client_;
  const kube::Informer& sources_;
  server::WebhookRegistry& registry_;
  std::map<std::string, std::string> registered_;  // source key -> resourceVersion synced
  runtime::ChannelPtr<std::string> requests_;
};

}  // namespace sluice::controller
