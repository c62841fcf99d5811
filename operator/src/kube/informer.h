#pragma once

// An informer: a Reflector (list + watch) feeding an in-memory store of one resource in one
// namespace (or all, for cluster-scoped resources / ns ""), optionally label/field-selected, with
// change events delivered into a bounded runtime::Channel.
//
// Events. Watch events become kAdded / kUpdated (old and new) / kDeleted (old = the final state
// the server sent). A relist (first sync, or after 410 Gone) is diffed against the store as
// client-go's DeltaFIFO.Replace does: objects that vanished get a kDeleted with their last known
// state, changed ones (another resourceVersion) a kUpdated, new ones a kAdded; unchanged objects
// produce nothing (client-go would emit a resync "Replaced" for them; we have no use for it).
// An ADDED for a key already stored (an event racing a relist) is reported as kUpdated, a
// MODIFIED for an unknown key as kAdded, a DELETED for an unknown key not at all, so consumers
// see each object appear once and disappear once. The channel is bounded: when the consumer
// falls behind, the watch is not read until it catches up (backpressure; the server buffers and
// eventually drops the watch, which the reflector resumes). events = false turns delivery off.
//
// Memory. By default metadata.managedFields is dropped from every object (client-go's usual
// transform: it is often a third or more of a small object and nobody reading from a cache needs
// it), and objects are kept as minified JSON text, parsed again by get()/list() and for the
// `old` side of events. Measured on 10,000 ConfigMaps of ~535 bytes of JSON (docs/benchmarks.md,
// "Kubernetes client: informer cache"): about 0.8-1.0 KB of heap per object as text against
// 2.8-2.9 KB as an nlohmann tree (every value is a 16-byte node, every object member a std::map
// node plus a key string), and 1.2 KB as text with managedFields kept. The price of text is a
// parse per get() (a few microseconds for such an object) and a dump per stored object, which
// makes syncing a little slower (0.9 s against 0.6-0.8 s for the tree). Readers that look up
// objects at a high rate can choose StoreFormat::kTree and pay the memory instead. A relist
// builds the new store page by page and reports its changes by key, so no more than one page of
// parsed objects is alive at a time.
//
// Thread safety: get(), list(), size() and has_synced() may be called from any fiber or thread
// while run() updates the store (a std::mutex held only around map operations, never across a
// suspension).

#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/object.h"
#include "kube/client.h"
#include "kube/reflector.h"
#include "kube/watch.h"
#include "runtime/abort_source.h"
#include "runtime/channel.h"

namespace sluice::kube {

struct InformerEvent {
  enum class Type { kAdded, kUpdated, kDeleted };
  Type type = Type::kAdded;
  Json old_object;  // kUpdated, kDeleted; null otherwise
  Json new_object;  // kAdded, kUpdated; null otherwise
};

enum class StoreFormat {
  kCompactText,  // minified JSON text per object (default; see above)
  kTree,         // the parsed nlohmann tree
};

// The store and its replace/apply semantics, without I/O. Not thread-safe (Informer locks).
class InformerStore {
 public:
  explicit InformerStore(StoreFormat format = StoreFormat::kCompactText,
                         bool strip_managed_fields = true)
      : format_(format), strip_managed_fields_(strip_managed_fields) {}

  // A relist in pages. Until finish_replace() the store keeps its old content (get() and list()
  // see it); then it holds exactly the objects added, and the returned changes say how it got
  // there. They refer to the store for the new side, so a relist of many objects holds only
  // compact entries, never all of them as trees; event_for() makes each into an event.
  struct Change;
  void begin_replace();
  void add_to_replace(std::vector<Json> items);
  std::vector<Change> finish_replace();
  InformerEvent event_for(const Change& change) const;

  // All of the above at once: makes the store hold exactly `items` and returns the events that
  // turn the old content into the new (see the top of this file).
  std::vector<InformerEvent> replace(std::vector<Json> items);
  // Applies an ADDED/MODIFIED/DELETED event; the resulting event, if any.
  std::optional<InformerEvent> apply(WatchEvent event);

  std::optional<Json> get(const std::string& ns, const std::string& name) const;
  std::vector<Json> list() const;
  std::size_t size() const noexcept { return objects_.size(); }
  // Bytes of the stored JSON texts (kCompactText; 0 for kTree, whose size is not tracked),
  // keys and bookkeeping left out: a floor of what the cache holds, for introspection.
  std::size_t text_bytes() const noexcept;

  // "namespace/name", or "name" for cluster-scoped objects.
  static std::string key_of(const Json& object);

 private:
  struct Entry {
    std::string resource_version;
    std::string text;  // kCompactText
    Json tree;         // kTree
  };

 public:
  struct Change {
    InformerEvent::Type type = InformerEvent::Type::kAdded;
    std::string key;
    Entry old;  // kUpdated, kDeleted
  };

 private:
  Entry make_entry(const Json& object) const;
  Json object_of(const Entry& entry) const;
  void prepare(Json& object) const;

  StoreFormat format_;
  bool strip_managed_fields_;
  std::unordered_map<std::string, Entry> objects_;
  std::unordered_map<std::string, Entry> replacing_;  // between begin_ and finish_replace
  std::vector<Change> changes_;                       // the adds and updates found so far
};

struct InformerOptions {
  std::string label_selector;
  std::string field_selector;
  bool events = true;                 // deliver events into events()
  std::size_t event_capacity = 1024;  // events() buffer
  StoreFormat format = StoreFormat::kCompactText;
  bool strip_managed_fields = true;
  ReflectorOptions reflector;  // its selectors are taken from above
};

class Informer : private ReflectorSink {
 public:
  Informer(Client client, Resource resource, std::string ns, InformerOptions options = {});
  Informer(const Informer&) = delete;
  Informer& operator=(const Informer&) = delete;
  ~Informer() override = default;

  // Lists, watches and keeps the store current until `abort` is requested; then closes
  // events() and returns. Call once, on a fiber of its own.
  void run(runtime::AbortSource& abort);

  // True once the first list is in the store (and its events are in the channel).
  bool has_synced() const noexcept { return synced_.load(std::memory_order_acquire); }
  // Suspends until has_synced(); throws kCancelled on abort.
  void wait_for_sync(runtime::AbortSource& abort) const;

  std::optional<Json> get(const std::string& ns, const std::string& name) const;
  std::vector<Json> list() const;
  std::size_t size() const;
  std::size_t text_bytes() const;  // InformerStore::text_bytes

  const runtime::ChannelPtr<InformerEvent>& events() const noexcept { return events_; }
  const Reflector& reflector() const noexcept { return reflector_; }

 private:
  void begin_replace() override;
  void add_page(std::vector<Json> items) override;
  void end_replace(const std::string& resource_version) override;
  void apply(WatchEvent event) override;
  void deliver(InformerEvent event);

  InformerOptions options_;
  mutable std::mutex mu_;
  InformerStore store_;
  runtime::ChannelPtr<InformerEvent> events_;
  std::atomic<bool> synced_{false};
  Reflector reflector_;
};

}  // namespace sluice::kube
