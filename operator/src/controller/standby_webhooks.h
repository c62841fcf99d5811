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
// The registry follows the GitSource informer's events (changed(), fed by the router fiber),
// so a source is looked at when it changes, not on a timer.
//
// Threads: forward() runs on the HTTP server's threads and changed() on the router's fiber;
// both only queue. run() and run_forwarder() run on fibers of the pool.

#include <functional>
#include <memory>
#include <string>

#include "kube/client.h"
#include "kube/informer.h"
#include "runtime/abort_source.h"
#include "runtime/channel.h"
#include "runtime/work_queue.h"
#include "server/webhook_receiver.h"

namespace sluice::controller {

class StandbyWebhooks {
 public:
  StandbyWebhooks(kube::Client client, const kube::Informer& sources,
                  server::WebhookRegistry& registry);

  // A GitSource was added, changed or deleted: queues its key for run().
  void changed(const kube::InformerEvent& event);
  // Registers or removes each changed source until `stop` fires; skips them while `skip()`
  // says this replica leads (its reconciles register the sources then).
  void run(runtime::AbortSource& stop, const std::function<bool()>& skip);

  // Queues a request for the leader to fetch `source_key` now. Never blocks; a request while
  // 64 are queued is dropped (the leader will be fetching those sources anyway).
  void forward(const std::string& source_key);
  // Sends the queued requests until `stop` fires.
  void run_forwarder(runtime::AbortSource& stop);

 private:
  void sync(const std::string& key);

  kube::Client client_;
  const kube::Informer& sources_;
  server::WebhookRegistry& registry_;
  // Sources to look at (de-duplicated while waiting); see the constructor for its options.
  runtime::WorkQueue<std::string> changes_;
  runtime::ChannelPtr<std::string> requests_;
};

}  // namespace sluice::controller
