#include "kube/informer.h"

#include <chrono>
#include <unordered_set>
#include <utility>

#include "core/error.h"

namespace sluice::kube {
namespace {

std::string metadata_string(const Json& object, const char* field) {
  const auto metadata = object.find("metadata");
  if (metadata == object.end() || !metadata->is_object()) return {};
  const auto value = metadata->find(field);
  return value != metadata->end() && value->is_string() ? value->get<std::string>() : std::string();
}

}  // namespace

std::string InformerStore::key_of(const Json& object) {
  const std::string name = metadata_string(object, "name");
  if (name.empty()) throw invalid_argument("informer: an object has no metadata.name");
  const std::string ns = metadata_string(object, "namespace");
  return ns.empty() ? name : ns + "/" + name;
}

void InformerStore::prepare(Json& object) const {
  if (!strip_managed_fields_) return;
  const auto metadata = object.find("metadata");
  if (metadata != object.end() && metadata->is_object()) metadata->erase("managedFields");
}

InformerStore::Entry InformerStore::make_entry(const Json& object) const {
  Entry entry;
  entry.resource_version = metadata_string(object, "resourceVersion");
  if (format_ == StoreFormat::kCompactText) {
    entry.text = object.dump();
    entry.text.shrink_to_fit();
  } else {
    entry.tree = object;
  }
  return entry;
}

Json InformerStore::object_of(const Entry& entry) const {
  return format_ == StoreFormat::kCompactText ? Json::parse(entry.text) : entry.tree;
}

void InformerStore::begin_replace() {
  replacing_.clear();
  changes_.clear();
}

void InformerStore::add_to_replace(std::vector<Json> items) {
  for (auto& item : items) {
    prepare(item);
    std::string key = key_of(item);
    Entry entry = make_entry(item);
    item = Json();                   // the page's trees go as soon as their compact form exists
    if (replacing_.contains(key)) {  // listed twice: keep the last, report once
      replacing_[key] = std::move(entry);
      continue;
    }
    const auto old = objects_.find(key);
    if (old == objects_.end()) {
      changes_.push_back({.type = InformerEvent::Type::kAdded, .key = key, .old = {}});
    } else if (old->second.resource_version != entry.resource_version) {
      changes_.push_back({.type = InformerEvent::Type::kUpdated, .key = key, .old = old->second});
    }
    replacing_.emplace(std::move(key), std::move(entry));
  }
}

std::vector<InformerStore::Change> InformerStore::finish_replace() {
  std::vector<Change> changes = std::move(changes_);
  changes_.clear();
  for (auto& [key, entry] : objects_) {
    if (!replacing_.contains(key)) {
      changes.push_back(
          {.type = InformerEvent::Type::kDeleted, .key = key, .old = std::move(entry)});
    }
  }
  objects_ = std::move(replacing_);
  replacing_.clear();
  return changes;
}

InformerEvent InformerStore::event_for(const Change& change) const {
  InformerEvent event{.type = change.type, .old_object = {}, .new_object = {}};
  if (change.type != InformerEvent::Type::kAdded) event.old_object = object_of(change.old);
  if (change.type != InformerEvent::Type::kDeleted) {
    const auto found = objects_.find(change.key);
    if (found != objects_.end()) event.new_object = object_of(found->second);
  }
  return event;
}

std::vector<InformerEvent> InformerStore::replace(std::vector<Json> items) {
  begin_replace();
  add_to_replace(std::move(items));
  std::vector<InformerEvent> events;
  for (auto& change : finish_replace()) events.push_back(event_for(change));
  return events;
}

std::optional<InformerEvent> InformerStore::apply(WatchEvent event) {
  Json& object = event.object;
  prepare(object);
  std::string key = key_of(object);
  const auto found = objects_.find(key);
  switch (event.type) {
    case WatchEventType::kAdded:
    case WatchEventType::kModified: {
      Entry entry = make_entry(object);
      if (found == objects_.end()) {
        objects_.emplace(std::move(key), std::move(entry));
        return InformerEvent{
            .type = InformerEvent::Type::kAdded, .old_object = {}, .new_object = object};
      }
      if (found->second.resource_version == entry.resource_version) return std::nullopt;
      InformerEvent changed{.type = InformerEvent::Type::kUpdated,
                            .old_object = object_of(found->second),
                            .new_object = object};
      found->second = std::move(entry);
      return changed;
    }
    case WatchEventType::kDeleted:
      if (found == objects_.end()) return std::nullopt;
      objects_.erase(found);
      return InformerEvent{
          .type = InformerEvent::Type::kDeleted, .old_object = object, .new_object = {}};
    case WatchEventType::kBookmark:
    case WatchEventType::kError:
      break;
  }
  return std::nullopt;
}

std::optional<Json> InformerStore::get(const std::string& ns, const std::string& name) const {
  const auto found = objects_.find(ns.empty() ? name : ns + "/" + name);
  if (found == objects_.end()) return std::nullopt;
  return object_of(found->second);
}

std::vector<Json> InformerStore::list() const {
  std::vector<Json> all;
  all.reserve(objects_.size());
  for (const auto& [key, entry] : objects_) all.push_back(object_of(entry));
  return all;
}

namespace {
ReflectorOptions with_selectors(ReflectorOptions reflector, const InformerOptions& options) {
  reflector.label_selector = options.label_selector;
  reflector.field_selector = options.field_selector;
  return reflector;
}
}  // namespace

Informer::Informer(Client client, Resource resource, std::string ns, InformerOptions options)
    : options_(std::move(options)),
      store_(options_.format, options_.strip_managed_fields),
      events_(runtime::make_channel<InformerEvent>(options_.event_capacity)),
      reflector_(std::move(client), std::move(resource), std::move(ns), *this,
                 with_selectors(options_.reflector, options_)) {}

void Informer::run(runtime::AbortSource& abort) {
  // Closing the channel on abort also frees a delivery blocked on a consumer that went away.
  auto events = events_;
  const auto subscription = abort.subscribe([events] { events->close(); });
  reflector_.run(abort);
  events_->close();
}

void Informer::wait_for_sync(runtime::AbortSource& abort) const {
  // Syncing happens once; a short poll is simpler than a condition variable plus abort wiring.
  while (!has_synced()) runtime::sleep_for(std::chrono::milliseconds(10), abort);
}

std::optional<Json> Informer::get(const std::string& ns, const std::string& name) const {
  const std::lock_guard lock(mu_);
  return store_.get(ns, name);
}

std::vector<Json> Informer::list() const {
  const std::lock_guard lock(mu_);
  return store_.list();
}

std::size_t Informer::size() const {
  const std::lock_guard lock(mu_);
  return store_.size();
}

std::size_t Informer::text_bytes() const {
  const std::lock_guard lock(mu_);
  return store_.text_bytes();
}

std::size_t InformerStore::text_bytes() const noexcept {
  std::size_t total = 0;
  for (const auto& [key, entry] : objects_) total += entry.text.size();
  return total;
}

void Informer::begin_replace() {
  const std::lock_guard lock(mu_);
  store_.begin_replace();
}

void Informer::add_page(std::vector<Json> items) {
  const std::lock_guard lock(mu_);
  store_.add_to_replace(std::move(items));
}

void Informer::end_replace(const std::string& /*resource_version*/) {
  std::vector<InformerStore::Change> changes;
  {
    const std::lock_guard lock(mu_);
    changes = store_.finish_replace();
  }
  if (options_.events) {
    for (auto& change : changes) {
      std::optional<InformerEvent> event;
      {
        const std::lock_guard lock(mu_);
        event = store_.event_for(change);
      }
      deliver(std::move(*event));
    }
  }
  synced_.store(true, std::memory_order_release);
}

void Informer::apply(WatchEvent event) {
  std::optional<InformerEvent> change;
  {
    const std::lock_guard lock(mu_);
    change = store_.apply(std::move(event));
  }
  if (change) deliver(std::move(*change));
}

void Informer::deliver(InformerEvent event) {
  if (options_.events) events_->send(std::move(event));
}

}  // namespace sluice::kube
