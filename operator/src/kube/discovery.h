#pragma once

// API discovery and REST mapping: which resources the server serves, and which REST resource
// (plural name, namespaced or not) a GroupVersionKind is.
//
// Discovery reads the plain per-group-version documents, like `kubectl api-resources`
// without aggregated discovery: /api (core versions), /apis (groups and their versions), then
// /api/v1 and /apis/<group>/<version> for every served version. Subresources ("pods/log")
// are left out: nothing maps a kind onto them. A group-version whose document is unavailable
// (an aggregated API server that is down answers 503) is skipped, as kubectl does, so one
// broken APIService does not hide every other resource; other failures propagate.
//
// RestMapper caches the mapping. A kind it does not know triggers one fresh discovery, so a
// CRD created while sluice runs is found; a kind still unknown after that is kNotFound naming
// the kind. Refreshes on a miss are rate-limited (`min_refresh_interval`), so a flood of
// objects with unknown kinds costs one discovery per interval, not one per object: misses
// inside the interval fail at once from the cache.

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <boost/fiber/mutex.hpp>

#include "core/object.h"
#include "kube/client.h"
#include "runtime/clock.h"

namespace sluice::kube {

// One resource of one group-version, as a discovery document lists it.
struct ApiResource {
  GroupVersionKind gvk;
  Resource resource;
  std::vector<std::string> verbs;
};

// Parsers of the discovery documents (exposed for tests). Malformed documents throw
// kInvalidArgument naming `what` (the path).
// /api -> ["v1"]
std::vector<std::string> parse_core_versions(const Json& api_versions, const std::string& what);
// /apis -> ["apps/v1", "batch/v1", ...]: every served version of every group, preferred first.
std::vector<std::string> parse_group_versions(const Json& api_group_list, const std::string& what);
// /api/v1 or /apis/<group>/<version> (a metav1.APIResourceList).
std::vector<ApiResource> parse_resource_list(const Json& resource_list, const std::string& what);

// Everything the server serves, fetched with `client` (one request per group-version).
std::vector<ApiResource> discover_resources(const Client& client);

struct RestMapperOptions {
  // The least time between two discoveries triggered by misses. The first lookup always
  // discovers. 10 s makes a new CRD usable within seconds while keeping discovery traffic of
  // a stream of unknown kinds at a few dozen requests per interval.
  std::chrono::steady_clock::duration min_refresh_interval = std::chrono::seconds(10);
  runtime::ClockPtr clock = runtime::SystemClock::instance();
};

class RestMapper {
 public:
  using Discover = std::function<std::vector<ApiResource>()>;

  // Discovers through a copy of `client` (copies share connections and rate limit).
  explicit RestMapper(Client client, RestMapperOptions options = {});
  // Discovers with `discover` (tests, or a caller with its own source).
  explicit RestMapper(Discover discover, RestMapperOptions options = {});

  // The REST resource of `gvk`. Safe to call from many fibers; a discovery in progress makes
  // the others wait for it (suspending as fibers) rather than discover again.
  Resource resource_for(const GroupVersionKind& gvk);

  // Discovers now, whatever the rate limit says.
  void refresh();

  // Discoveries done so far (for tests and metrics).
  int refresh_count() const;

 private:
  void refresh_locked();

  Discover discover_;
  RestMapperOptions options_;
  mutable boost::fibers::mutex mu_;
  std::map<GroupVersionKind, Resource> by_gvk_;
  bool loaded_ = false;
  runtime::Clock::TimePoint last_refresh_{};
  int refresh_count_ = 0;
};

}  // namespace sluice::kube
