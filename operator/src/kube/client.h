#pragma once

// A Kubernetes API client over cpprestsdk's http_client.
//
// Asynchronous underneath: every request is a pplx task on cpprestsdk's own I/O threads. The
// calls below look synchronous but wait on a Boost.Fiber future that the task's final
// continuation fulfils, so a fiber calling them suspends only itself and never blocks its
// pool thread on pplx's `.get()` (plain threads, e.g. tests and the CLI, simply block).
//
// TLS follows ClusterConfig: when a CA is given it is the *only* trust anchor (as in
// client-go), the server's certificate is verified with host name/IP unless the kubeconfig
// says insecure-skip-tls-verify, and a client certificate/key is presented when configured.
//
// Resources are addressed explicitly by group/version/resource and scope (`Resource`);
// kube/discovery.h maps a GroupVersionKind onto one. Watches are in kube/watch.h (with the
// reflector and informer built on them), leases in kube/leader_election.h, events in
// kube/events.h.
//
// Rate limit and retries live in request(), so every call gets them:
//  * Each attempt first takes a token from a bucket shared by this client and its
//    impersonating() copies (kube/rate_limit.h); ClientOptions::qps/burst.
//  * Idempotent requests (GET, HEAD, and server-side apply, which converges to the same object
//    however often it is sent) are retried on 429, 5xx and connection failures, waiting
//    Retry-After (seconds) when the server sends it and exponential backoff with jitter
//    otherwise, until RetryPolicy::max_attempts or until the next wait would pass
//    RetryPolicy::deadline after the first attempt (an attempt in flight is bounded by
//    `timeout`). Then the last error is thrown as is. Create, update, delete and merge patch
//    are not retried on connection failures or plain 5xx: a lost answer does not say whether
//    the server applied them. They are retried, like client-go does, when the answer is 429 or
//    5xx *with* Retry-After: the server refused them before acting and said when to come back
//    (tests/integration/fault/fault_test.cpp proves the wait against a real apiserver).
//    Timeouts (kDeadlineExceeded) are not retried: the per-request timeout was already spent.
//  * Waits use runtime::sleep_until on ClientOptions::clock, suspending a fiber without
//    blocking its thread; tests inject a ManualClock and a fixed random source.
//
// Errors: see kube/status.h for how Status responses map onto sluice::Error.

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/object.h"
#include "kube/config.h"
#include "runtime/backoff.h"
#include "runtime/clock.h"

namespace web::http {
class http_request;
namespace client {
class http_client;
}
}  // namespace web::http

namespace sluice::kube {

class TokenBucket;
class WatchStream;
struct WatchOptions;

// A REST resource: "" / "v1" / "configmaps" / namespaced, or "apps" / "v1" / "deployments".
struct Resource {
  std::string group;  // "" for the core API
  std::string version;
  std::string resource;  // plural, lower case
  bool namespaced = true;

  // The collection path, e.g. /api/v1/namespaces/ns/configmaps or /apis/apps/v1/deployments.
  // For a namespaced resource an empty `ns` means all namespaces (/api/v1/configmaps: for
  // list and watch); `ns` must be empty for cluster-scoped ones. object_path() requires a
  // namespace for namespaced resources.
  std::string collection_path(const std::string& ns) const;
  std::string object_path(const std::string& ns, const std::string& name) const;
};

// Frequently used core resources.
Resource configmaps();
Resource namespaces();
Resource secrets();
Resource service_accounts();

// Retries of idempotent requests (see the top of this file).
struct RetryPolicy {
  int max_attempts = 8;  // 1 turns retries off
  // No new attempt starts after this much time since the first one.
  std::chrono::nanoseconds deadline = std::chrono::seconds(60);
  runtime::BackoffPolicy backoff{.base = std::chrono::milliseconds(200),
                                 .factor = 2.0,
                                 .max = std::chrono::seconds(10),
                                 .jitter = 0.2};
};

struct ClientOptions {
  std::chrono::seconds timeout = std::chrono::seconds(30);  // per request, whole exchange
  // Bigger answers fail with kResourceExhausted as soon as the limit is passed while reading
  // (the transfer is cut off), chunked ones included.
  std::size_t max_response_bytes = std::size_t{256} * 1024 * 1024;
  std::string user_agent = "sluice";

  // Client-side rate limit (token bucket). client-go's 5 QPS / burst 10 are sized for
  // kubectl; an operator syncing a few hundred objects per Application would spend minutes in
  // the limiter. 50/100 lets a large sync through in seconds, while the server's own priority
  // and fairness (429 + Retry-After, honoured below) stays the real guard. qps <= 0: no limit.
  double qps = 50;
  int burst = 100;

  RetryPolicy retry;

  runtime::ClockPtr clock = runtime::SystemClock::instance();  // for the limiter and backoff
  runtime::RandomSource random;  // jitter; empty means runtime::default_random_source()
};

struct ListOptions {
  std::string label_selector;
  std::string field_selector;
  std::optional<long long> limit;  // page size; the server may return fewer
  std::string continue_token;
};

struct ListPage {
  std::vector<Json> items;
  std::string resource_version;
  std::string continue_token;  // empty on the last page
};

// Decodes a list response (a *List object) as Client::list() does: its items, whatever they
// are, and metadata.resourceVersion and metadata.continue. Anything of another shape (not an
// object, no items, fields of other types) decodes as an empty page, or with empty strings:
// the server's answer is untrusted and must not throw anything but Error.
ListPage decode_list_page(Json list);

struct WriteOptions {
  bool dry_run = false;  // dryRun=All: admission and validation run, nothing is stored
  std::string field_manager = "sluice";
};

struct ApplyOptions {
  bool force = false;  // take ownership of conflicting fields
  bool dry_run = false;
  std::string field_manager = "sluice";
};

enum class PropagationPolicy { kDefault, kOrphan, kBackground, kForeground };

struct DeleteOptions {
  PropagationPolicy propagation = PropagationPolicy::kDefault;
  std::optional<std::string> precondition_uid;
  std::optional<std::string> precondition_resource_version;
  bool dry_run = false;
};

// The raw outcome of one request, for the few callers that need more than the typed calls.
struct Response {
  int status = 0;
  std::string body;
  std::string content_type;
};

class Client {
 public:
  explicit Client(ClusterConfig config, ClientOptions options = {});

  // A client that sends every request as `who` (Impersonate-User/-Group), sharing this one's
  // connections. More than one impersonated group is kUnimplemented for now (cpprestsdk
  // folds repeated headers into one comma-joined value, which the apiserver reads as one group).
  Client impersonating(Impersonation who) const;

  const ClusterConfig& config() const noexcept { return *config_; }

  Json get(const Resource& resource, const std::string& ns, const std::string& name) const;
  // One page. Items carry no apiVersion/kind (as the API returns them).
  ListPage list(const Resource& resource, const std::string& ns,
                const ListOptions& options = {}) const;
  // Every page, following continue tokens; `page_size` bounds each response.
  std::vector<Json> list_all(const Resource& resource, const std::string& ns,
                             ListOptions options = {}, long long page_size = 500) const;

  Json create(const Resource& resource, const std::string& ns, const Json& object,
              const WriteOptions& options = {}) const;
  // Server-side apply of `object` (its metadata.name is `name`).
  Json apply(const Resource& resource, const std::string& ns, const std::string& name,
             const Json& object, const ApplyOptions& options = {}) const;
  // JSON merge patch (RFC 7386) of the object, or of its status subresource.
  Json merge_patch(const Resource& resource, const std::string& ns, const std::string& name,
                   const Json& patch, const WriteOptions& options = {}) const;
  Json patch_status(const Resource& resource, const std::string& ns, const std::string& name,
                    const Json& patch, const WriteOptions& options = {}) const;
  // Returns what the server answers: the object (with deletionTimestamp when finalizers
  // hold it) or a Status.
  Json remove(const Resource& resource, const std::string& ns, const std::string& name,
              const DeleteOptions& options = {}) const;

  // One request. `path_and_query` starts with '/'; a non-2xx answer throws (kube/status.h).
  Response request(const std::string& method, const std::string& path_and_query,
                   const std::string& body = {}, const std::string& content_type = {}) const;

  // --- whole-object writes (leases, events; issue 6) ---
  // PUT of the whole object (its metadata.name is `name`). Optimistic concurrency: when
  // `object` carries metadata.resourceVersion, a stale one is refused with kConflict (409),
  // which callers resolve by reading again. Not retried on a connection failure or a plain 5xx
  // (as in client-go): a lost answer does not say whether the write landed, and a blind retry
  // of a versioned PUT would only report our own write as a conflict. Retried on 429/5xx with
  // Retry-After, like every verb (see the top of this file).
  Json replace(const Resource& resource, const std::string& ns, const std::string& name,
               const Json& object, const WriteOptions& options = {}) const;
  // Starts a watch of a collection (kube/watch.h, which callers include). Takes one rate-limit
  // token; never retried. Sent on a fresh http_client whose timeout is the watch's server-side
  // timeout plus a margin instead of ClientOptions::timeout, which would cut quiet watches.
  WatchStream watch(const Resource& resource, const std::string& ns,
                    const WatchOptions& options) const;

 private:
  Client(std::shared_ptr<const ClusterConfig> config,
         std::shared_ptr<web::http::client::http_client> http, ClientOptions options,
         Impersonation impersonate, std::shared_ptr<TokenBucket> limiter);

  // One attempt: the response whatever its status (transport failures throw), and the
  // Retry-After seconds when the server sent them.
  Response send_once(const std::string& method, const std::string& path_and_query,
                     const std::string& body, const std::string& content_type,
                     std::optional<std::chrono::seconds>& retry_after) const;

  // A request carrying what every request to this cluster carries: Accept, User-Agent, the
  // bearer token and the impersonation headers.
  web::http::http_request new_request(const std::string& method,
                                      const std::string& path_and_query) const;
  // An http_client for the cluster with its TLS settings and the given whole-exchange timeout.
  std::shared_ptr<web::http::client::http_client> new_http_client(
      std::chrono::seconds timeout) const;

  // A JSON merge patch of the object (or subresource) at `object_path`.
  Json merge_patch_at(const std::string& object_path, const Json& patch,
                      const WriteOptions& options) const;
  // request() and its answer parsed; kResourceExhausted for an answer nested deeper than
  // kMaxResponseDepth (kube/watch.h), kUnavailable for one that is no JSON.
  Json request_json(const std::string& method, const std::string& path_and_query,
                    const std::string& body = {}, const std::string& content_type = {}) const;

  std::shared_ptr<const ClusterConfig> config_;
  std::shared_ptr<web::http::client::http_client> http_;
  ClientOptions options_;
  Impersonation impersonate_;
  std::shared_ptr<TokenBucket> limiter_;
};

}  // namespace sluice::kube
