#pragma once

// The watch cache of every object sluice applied: one informer per kind (GroupVersionKind),
// started the first time a kind is applied or pruned, selecting objects by sluice's ownership
// label (and, when the operator watches one namespace, by that namespace's Applications only).
// It is the apply engine's LiveObjects (apply/live_objects.h): drift, unchanged objects and
// health are all decided from here, without requests.
//
// It also routes changes back: when an owned object changes in anything but its status (or is
// deleted), `on_drift` gets the key ("namespace/name") of the Application whose labels it
// carries, so drift is corrected at once, not at the next interval.
//
// Informers and their event readers run as fibers of the given pool until stop().

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <boost/fiber/condition_variable.hpp>
#include <boost/fiber/mutex.hpp>

#include "apply/live_objects.h"
#include "kube/client.h"
#include "kube/discovery.h"
#include "kube/informer.h"
#include "runtime/fiber_pool.h"
#include "runtime/gate.h"

namespace sluice::controller {

struct OwnedObjectsOptions {
  // The label selector of every informer: "sluice.dev/application-name", or with
  // ",sluice.dev/application-namespace=<ns>" when the operator watches one namespace.
  std::string label_selector;
  std::function<void(const std::string& application_key)> on_drift;
  // How long watch() waits for a new informer's first list before giving up (RBAC refusing the
  // list, say): kUnavailable with the informer's last error.
  std::chrono::steady_clock::duration sync_timeout = std::chrono::seconds(30);
  runtime::ClockPtr clock = runtime::SystemClock::instance();
};

class OwnedObjects final : public apply::LiveObjects {
 public:
  OwnedObjects(kube::Client client, kube::RestMapper& mapper, runtime::FiberPool& pool,
               OwnedObjectsOptions options);
  OwnedObjects(const OwnedObjects&) = delete;
  OwnedObjects& operator=(const OwnedObjects&) = delete;
  // stop().
  ~OwnedObjects() override;

  void watch(const GroupVersionKind& gvk, runtime::AbortSource& abort) override;
  std::optional<Json> get(const GroupVersionKind& gvk, const std::string& ns,
                          const std::string& name) const override;
  std::uint64_t changes() const override;
  void wait_for_change(std::uint64_t seen, runtime::Clock::TimePoint deadline,
                       runtime::AbortSource& abort) override;

  // Stops every informer and waits for their fibers. Idempotent.
  void stop();

  // Kinds watched, and objects cached over all of them (metrics).
  std::size_t kinds() const;
  std::size_t objects() const;
  // Bytes of the cached objects' JSON text (kube::Informer::text_bytes).
  std::size_t cache_bytes() const;

 private:
  struct Watched {
    std::unique_ptr<kube::Informer> informer;
    std::shared_ptr<std::string> last_error;  // written by the reflector's on_error
    std::shared_ptr<std::mutex> error_mu;
  };
  void consume(kube::Informer& informer);
  void bump();

  kube::Client client_;
  kube::RestMapper& mapper_;
  runtime::FiberPool& pool_;
  OwnedObjectsOptions options_;
  runtime::AbortSource stopping_;
  runtime::Gate fibers_;

  mutable boost::fibers::mutex mu_;  // guards watched_; never held across a wait
  std::map<GroupVersionKind, std::shared_ptr<Watched>> watched_;

  struct Changes {
    boost::fibers::mutex mu;
    boost::fibers::condition_variable cv;
    std::uint64_t count = 0;
  };
  const std::shared_ptr<Changes> changes_ = std::make_shared<Changes>();
  std::atomic<bool> stopped_{false};
};

// The Application an owned object belongs to, from its labels ("namespace/name"), or "".
std::string owner_key(const Json& object);

// Whether an update changed anything but status and bookkeeping metadata (resourceVersion,
// generation, managedFields): what counts as possible drift.
bool changed_beyond_status(const Json& before, const Json& after);

}  // namespace sluice::controller
