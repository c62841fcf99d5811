#pragma once

// What the apply engine knows of the cluster without asking: the objects sluice owns, as the
// watches last saw them. controller/owned_objects.h implements it with one label-selected
// informer per kind; unit tests use an in-memory one.
//
// Reads never send a request: that is how an unchanged revision without drift costs the API
// server nothing (see apply/drift.h). Only watch() may list, once per kind.

#include <cstdint>
#include <optional>
#include <string>

#include "core/object.h"
#include "runtime/abort_source.h"
#include "runtime/clock.h"

namespace sluice::apply {

class LiveObjects {
 public:
  virtual ~LiveObjects() = default;

  // Makes sure objects of `gvk` are watched and returns once that watch has synced (the first
  // list is in). Cheap when it already is. Throws kNotFound for a kind the server does not
  // serve, kCancelled on abort.
  virtual void watch(const GroupVersionKind& gvk, runtime::AbortSource& abort) = 0;

  // The object as last seen; nullopt when the watch has not seen it (or it is gone). `gvk`
  // must have been watch()ed.
  virtual std::optional<Json> get(const GroupVersionKind& gvk, const std::string& ns,
                                  const std::string& name) const = 0;

  // A counter that grows with every change any watch sees, and a wait for it to pass `seen`:
  // how a health check sleeps until something changes. Returns at `deadline` (on `clock`'s
  // time) whether or not anything changed; throws kCancelled on abort.
  virtual std::uint64_t changes() const = 0;
  virtual void wait_for_change(std::uint64_t seen, runtime::Clock::TimePoint deadline,
                               runtime::AbortSource& abort) = 0;
};

}  // namespace sluice::apply
