#include "server/webhook_receiver.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <utility>

#include "core/error.h"

namespace sluice::server {
namespace {

using Clock = std::chrono::steady_clock;

// A token bucket that refuses instead of waiting (kube/rate_limit.h waits, and lives above
// server/ in the dependency order). Not thread-safe: the receiver's lock guards it.
class TokenBucket {
 public:
  TokenBucket(double qps, double burst, Clock::time_point now)
      : qps_(qps), burst_(std::max(burst, 1.0)), tokens_(burst_), last_(now) {}

  // Takes a token when one is there.
  bool take(Clock::time_point now) {
    if (qps_ <= 0) return true;
    const std::chrono::duration<double> elapsed = now - last_;
    last_ = now;
    tokens_ = std::min(burst_, tokens_ + elapsed.count() * qps_);
    if (tokens_ < 1) return false;
    tokens_ -= 1;
    return true;
  }

 private:
  double qps_;
  double burst_;
  double tokens_;
  Clock::time_point last_;
};

struct Entry {
  WebhookTarget target;
  TokenBucket bucket;
};

void answer(HttpResponse& response, int status, std::string body) {
  response.status = status;
  response.body = std::move(body);
  response.body += '\n';
}

}  // namespace

class WebhookReceiver::Impl {
 public:
  Impl(Options options, Registry& metrics, OnPush on_push)
      : options_(options),
        requests_(metrics.counter("sluice_webhook_requests_total",
                                  "Webhook requests answered by the receiver, by result.",
                                  {"result"})),
        on_push_(std::move(on_push)),
        unknown_path_(options.unknown_path_qps, options.unknown_path_burst, Clock::now()) {}

  void serve(const HttpRequest& request, HttpResponse& response) {
    WebhookTarget target;
    {
      std::lock_guard lock(mu_);
      const auto now = Clock::now();
      const auto path = by_path_.find(request.path);
      if (path == by_path_.end()) {
        if (!unknown_path_.take(now)) {
          return respond(response, 429, "rate_limited", "too many requests");
        }
        return respond(response, 404, "not_found", "404 page not found");
      }
      if (!path->second.bucket.take(now)) {
        return respond(response, 429, "rate_limited", "too many requests");
      }
      target = path->second.target;  // a copy: the work below runs without the lock
    }
    const std::optional<WebhookProvider> provider =
        target.provider ? target.provider : detect_webhook_provider(request);
    WebhookEvent event;
    try {
      if (!provider) throw Error(ErrorCode::kUnauthenticated, "no webhook signature or token");
      verify_webhook(*provider, request, target.token);
      event = parse_webhook_event(*provider, request);
    } catch (const Error& e) {
      const bool unauthorized = e.code() == ErrorCode::kUnauthenticated;
      return respond(response, unauthorized ? 401 : 400,
                     unauthorized ? "unauthorized" : "bad_request", e.message());
    }
    switch (event.kind) {
      case WebhookEvent::Kind::kPing:
        return respond(response, 200, "ignored", "pong");
      case WebhookEvent::Kind::kOther:
        return respond(response, 200, "ignored", "ignored: event \"" + event.name + "\"");
      case WebhookEvent::Kind::kPush:
        break;
    }
    if (!webhook_push_matches(event.ref, target.branch, target.tags)) {
      return respond(response, 200, "ignored",
                     "ignored: the source does not follow \"" + event.ref + "\"");
    }
    if (on_push_) on_push_(target.source_key);
    respond(response, 202, "accepted", "accepted: fetching");
  }

  std::string set(WebhookTarget target) {
    std::string path = webhook_path(target.source_key, target.token);
    std::lock_guard lock(mu_);
    if (const auto old = path_of_.find(target.source_key); old != path_of_.end()) {
      if (old->second != path) by_path_.erase(old->second);
    }
    path_of_[target.source_key] = path;
    const auto existing = by_path_.find(path);
    if (existing != by_path_.end()) {
      // The same path again (a periodic reconcile): keep its rate limit's state.
      existing->second.target = std::move(target);
    } else {
      by_path_.emplace(path,
                       Entry{std::move(target),
                             TokenBucket(options_.path_qps, options_.path_burst, Clock::now())});
    }
    return path;
  }

  void remove(const std::string& source_key) {
    std::lock_guard lock(mu_);
    const auto path = path_of_.find(source_key);
    if (path == path_of_.end()) return;
    by_path_.erase(path->second);
    path_of_.erase(path);
  }

  std::size_t size() const {
    std::lock_guard lock(mu_);
    return path_of_.size();
  }

 private:
  // Answers `status` with `body` and counts it under `result`.
  void respond(HttpResponse& response, int status, const char* result, std::string body) {
    answer(response, status, std::move(body));
    requests_.labels({result}).inc();
  }

  const Options options_;
  Family<Counter>& requests_;
  const OnPush on_push_;
  mutable std::mutex mu_;                       // guards what follows
  TokenBucket unknown_path_;                    // shared by every request to a path no source has
  std::map<std::string, Entry> by_path_;        // path -> target
  std::map<std::string, std::string> path_of_;  // source key -> path
};

WebhookReceiver::WebhookReceiver(Options options, Registry& metrics, OnPush on_push)
    : impl_(std::make_unique<Impl>(options, metrics, std::move(on_push))) {}

WebhookReceiver::~WebhookReceiver() = default;

void WebhookReceiver::mount(HttpServer& server) {
  server.handle_prefix(
      "POST", std::string(kWebhookPathPrefix),
      [this](const HttpRequest& request, HttpResponse& response) { serve(request, response); });
}

void WebhookReceiver::serve(const HttpRequest& request, HttpResponse& response) {
  impl_->serve(request, response);
}

std::string WebhookReceiver::set(WebhookTarget target) {
  return impl_->set(std::move(target));
}

void WebhookReceiver::remove(const std::string& source_key) {
  impl_->remove(source_key);
}

std::size_t WebhookReceiver::size() const {
  return impl_->size();
}

}  // namespace sluice::server
