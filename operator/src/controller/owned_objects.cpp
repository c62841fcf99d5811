#include "controller/owned_objects.h"

#include "api/group.h"

namespace sluice::controller {

std::string owner_key(const Json& object) {
  const std::string name =
      string_member(object, {"metadata", "labels", api::label::kApplicationName});
  const std::string ns =
      string_member(object, {"metadata", "labels", api::label::kApplicationNamespace});
  return name.empty() || ns.empty() ? std::string() : ns + "/" + name;
}

bool changed_beyond_status(const Json& before, const Json& after) {
  const auto strip = [](Json object) {
    if (!object.is_object()) return object;
    object.erase("status");
    if (const auto metadata = object.find("metadata"); metadata != object.end()) {
      for (const char* key : {"resourceVersion", "generation", "managedFields"}) {
        metadata->erase(key);
      }
    }
    return object;
  };
  return strip(before) != strip(after);
}

OwnedObjects::OwnedObjects(kube::Client client, kube::RestMapper& mapper, runtime::FiberPool& pool,
                           OwnedObjectsOptions options)
    : client_(std::move(client)), mapper_(mapper), pool_(pool), options_(std::move(options)) {}

OwnedObjects::~OwnedObjects() {
  stop();
}

void OwnedObjects::stop() {
  if (stopped_.exchange(true)) {
    fibers_.close();
    return;
  }
  stopping_.request_abort("operator stopping");
  fibers_.close();
}

void OwnedObjects::watch(const GroupVersionKind& gvk, runtime::AbortSource& abort) {
  std::shared_ptr<Watched> watched;
  {
    std::unique_lock lock(mu_);
    auto it = watched_.find(gvk);
    if (it == watched_.end()) {
      if (stopped_) throw cancelled("operator stopping");
      const kube::Resource resource = mapper_.resource_for(gvk);
      auto entry = std::make_shared<Watched>();
      entry->last_error = std::make_shared<std::string>();
      entry->error_mu = std::make_shared<std::mutex>();
      kube::InformerOptions informer_options;
      informer_options.label_selector = options_.label_selector;
      informer_options.reflector.on_error = [error = entry->last_error,
                                             error_mu = entry->error_mu](const Error& e) {
        std::lock_guard guard(*error_mu);
        *error = e.message();
      };
      // Cluster-scoped kinds and namespaced ones alike are watched across all namespaces: an
      // Application may put objects anywhere (targetNamespace, explicit namespaces).
      entry->informer = std::make_unique<kube::Informer>(client_, resource, "", informer_options);
      kube::Informer* informer = entry->informer.get();
      pool_.spawn([this, informer, holder = fibers_.enter()] { informer->run(stopping_); });
      pool_.spawn([this, informer, holder = fibers_.enter()] { consume(*informer); });
      it = watched_.emplace(gvk, std::move(entry)).first;
    }
    watched = it->second;
  }
  if (watched->informer->has_synced()) return;

  // Bounded wait: the caller's abort, or the sync timeout, ends it.
  auto bounded = std::make_shared<runtime::AbortSource>();
  const runtime::AbortSource::Subscription forward =
      abort.subscribe([bounded] { bounded->request_abort("aborted"); });
  const runtime::Timer timer = options_.clock->call_after(
      options_.sync_timeout, [bounded] { bounded->request_abort("sync timeout"); });
  try {
    watched->informer->wait_for_sync(*bounded);
  } catch (const Error& e) {
    abort.check();
    std::string last_error;
    {
      std::lock_guard guard(*watched->error_mu);
      last_error = *watched->last_error;
    }
    throw Error(
        ErrorCode::kUnavailable,
        "cannot watch " + gvk.to_string() +
            (last_error.empty() ? ": its first list did not finish in time" : ": " + last_error));
  }
}

std::optional<Json> OwnedObjects::get(const GroupVersionKind& gvk, const std::string& ns,
                                      const std::string& name) const {
  std::shared_ptr<Watched> watched;
  {
    std::lock_guard lock(mu_);
    const auto it = watched_.find(gvk);
    if (it == watched_.end()) return std::nullopt;
    watched = it->second;
  }
  return watched->informer->get(ns, name);
}

std::uint64_t OwnedObjects::changes() const {
  std::lock_guard lock(changes_->mu);
  return changes_->count;
}

void OwnedObjects::bump() {
  std::lock_guard lock(changes_->mu);
  ++changes_->count;
  changes_->cv.notify_all();
}

void OwnedObjects::wait_for_change(std::uint64_t seen, runtime::Clock::TimePoint deadline,
                                   runtime::AbortSource& abort) {
  // Clock timer and abort both notify; no timed fiber wait (see runtime/clock.h).
  const auto wake = [changes = changes_] {
    std::lock_guard lock(changes->mu);
    changes->cv.notify_all();
  };
  const runtime::Timer timer = options_.clock->call_at(deadline, wake);
  const runtime::AbortSource::Subscription subscription = abort.subscribe(wake);
  std::unique_lock lock(changes_->mu);
  while (changes_->count <= seen && options_.clock->now() < deadline && !abort.abort_requested()) {
    changes_->cv.wait(lock);
  }
  lock.unlock();
  abort.check();
}

void OwnedObjects::consume(kube::Informer& informer) {
  while (std::optional<kube::InformerEvent> event = informer.events()->receive()) {
    bump();
    if (!options_.on_drift) continue;
    switch (event->type) {
      case kube::InformerEvent::Type::kAdded:
        break;  // our own creates, and the first list
      case kube::InformerEvent::Type::kDeleted:
        if (std::string key = owner_key(event->old_object); !key.empty()) options_.on_drift(key);
        break;
      case kube::InformerEvent::Type::kUpdated:
        if (changed_beyond_status(event->old_object, event->new_object)) {
          const std::string before = owner_key(event->old_object);
          const std::string after = owner_key(event->new_object);
          if (!after.empty()) options_.on_drift(after);
          if (!before.empty() && before != after) options_.on_drift(before);
        }
        break;
    }
  }
}

std::size_t OwnedObjects::kinds() const {
  std::lock_guard lock(mu_);
  return watched_.size();
}

std::size_t OwnedObjects::objects() const {
  std::lock_guard lock(mu_);
  std::size_t total = 0;
  for (const auto& [gvk, watched] : watched_) total += watched->informer->size();
  return total;
}

std::size_t OwnedObjects::cache_bytes() const {
  std::lock_guard lock(mu_);
  std::size_t total = 0;
  for (const auto& [gvk, watched] : watched_) total += watched->informer->text_bytes();
  return total;
}

}  // namespace sluice::controller
