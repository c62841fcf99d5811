#pragma once

// The webhook receiver (`sluice run --webhook-addr`): Git hosts POST to a source's
// unguessable path (server/webhook.h: webhook_path), and a genuine push of what the source
// follows hands its key to `on_push`, which queues an immediate fetch.
//
// The controller fills the receiver through WebhookRegistry as it reconciles GitSources
// (their spec.webhook and Secret); the receiver keeps no other state. Requests are answered
// in this order, each step only reached when the one before passed:
//
//   429  no source has this path, and the budget of such requests is spent
//        (Options::unknown_path_*)
//   404  no source has this path
//   429  this path's rate limit is exhausted (Options::path_*)
//   401  no provider is recognised, or the signature or token is missing, malformed or wrong
//   400  the event's body is malformed (a push that is no JSON object, or has no ref)
//   200  genuine, nothing to do: a ping, another event, a push of another branch (or of a
//        branch to a tag source), any push to a source pinned to a commit
//   202  genuine push of what the source follows: on_push(source key) was called
//
// A source's path is charged to its own budget only: a flood of made-up paths, or of one
// source's path (known only to whoever has its token), never refuses another source's push.
//
// 413 (body over HttpServer::Options::max_body_bytes) and 405 (another method than POST) are
// the server's, answered before the body is read. Nothing is parsed before the signature is
// checked. Every answer of the receiver is counted in sluice_webhook_requests_total{result}
// (result: accepted, ignored, bad_request, unauthorized, not_found, rate_limited).
//
// Threads: serve() runs on the HTTP server's threads and never waits for anything but a short
// std::mutex section; on_push must be as quick (KeyQueue::add is). Registry updates may come
// from any thread or fiber.

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "server/http_message.h"
#include "server/http_server.h"
#include "server/metrics.h"
#include "server/webhook.h"

namespace sluice::server {

// What a source registers: whose push it is, the secret, and what to fetch for.
struct WebhookTarget {
  std::string source_key;                   // "namespace/name"
  std::string token;                        // the shared secret; never logged or answered
  std::optional<WebhookProvider> provider;  // nullopt: detect_webhook_provider()
  // What the source follows (see webhook_push_matches): a branch, or tags, or neither.
  std::string branch;
  bool tags = false;
};

// The controller's view of the receiver.
class WebhookRegistry {
 public:
  virtual ~WebhookRegistry() = default;
  // Registers `target` under webhook_path(target.source_key, target.token), replacing what the
  // same source registered before (its old path stops answering when the token changed), and
  // returns the path.
  virtual std::string set(WebhookTarget target) = 0;
  // Forgets the source (its path answers 404). Unknown keys are ignored.
  virtual void remove(const std::string& source_key) = 0;
};

class WebhookReceiver final : public WebhookRegistry {
 public:
  struct Options {
    // Token buckets: requests per second, long-run, and at once after a quiet spell. Generous
    // for real hosts (one delivery per push), small enough that a flood costs little: each
    // request past the limits is refused before its signature is computed.
    // One for all requests to paths no source has (answered 404 within it)...
    double unknown_path_qps = 20;
    double unknown_path_burst = 100;
    // ...and one per source's path.
    double path_qps = 1;
    double path_burst = 10;
  };
  using OnPush = std::function<void(const std::string& source_key)>;

  // `metrics` must outlive the receiver (it holds the counter family).
  WebhookReceiver(Options options, Registry& metrics, OnPush on_push);
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;
  ~WebhookReceiver() override;

  // Serves POST kWebhookPathPrefix... on `server` (before its start()). The receiver must
  // outlive the server's stop().
  void mount(HttpServer& server);

  // The handler mount() registers; see the table above.
  void serve(const HttpRequest& request, HttpResponse& response);

  std::string set(WebhookTarget target) override;
  void remove(const std::string& source_key) override;
  // Sources registered (for tests and the log).
  std::size_t size() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

using WebhookReceiverPtr = std::shared_ptr<WebhookReceiver>;

}  // namespace sluice::server
