#include "server/status_page.h"

#include <algorithm>
#include <utility>

#include "core/error.h"
#include "server/status_page_assets.h"

namespace sluice::server {
namespace {

// What every answer of the page carries: nothing is loaded from elsewhere, nothing is framed,
// nothing is cached (the data is live) and nothing is sniffed into another type.
void secure(HttpResponse& response, std::string content_type, std::string body) {
  response.content_type = std::move(content_type);
  response.body = std::move(body);
  response.headers.emplace_back(
      "Content-Security-Policy",
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
      "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
  response.headers.emplace_back("Cache-Control", "no-store");
}

// How soon a client reconnects after losing the stream, in milliseconds (the "retry" field).
constexpr int kRetryMs = 3000;

}  // namespace

StatusPage::StatusPage(Read read, RecentEventsPtr events, Options options)
    : read_(std::move(read)), events_(std::move(events)), options_(options) {
  if (!read_ || !events_) throw invalid_argument("a status page needs a reader and events");
}

StatusPage::~StatusPage() {
  stop();
}

void StatusPage::mount(HttpServer& server) {
  server.handle("GET", "/", [](const HttpRequest&, HttpResponse& response) {
    secure(response, "text/html; charset=utf-8", std::string(kStatusPageHtml));
  });
  server.handle("GET", "/status.css", [](const HttpRequest&, HttpResponse& response) {
    secure(response, "text/css; charset=utf-8", std::string(kStatusPageCss));
  });
  server.handle("GET", "/status.js", [](const HttpRequest&, HttpResponse& response) {
    secure(response, "text/javascript; charset=utf-8", std::string(kStatusPageJs));
  });
  server.handle("GET", "/api/v1/status", [this](const HttpRequest&, HttpResponse& response) {
    secure(response, "application/json", status_json(view()) + "\n");
  });
  server.handle("GET", "/api/v1/events", [this](const HttpRequest&, HttpResponse& response) {
    secure(response, "text/event-stream; charset=utf-8", "");
    // Proxies that buffer (nginx) would hold the events back.
    response.headers.emplace_back("X-Accel-Buffering", "no");
    response.stream = subscribe();
  });
}

ResponseStreamPtr StatusPage::subscribe() {
  auto stream = std::make_shared<ResponseStream>(options_.stream_buffer_bytes);
  const std::string text = status_json(view());
  std::lock_guard lock(mu_);
  if (stopping_) throw Error(ErrorCode::kUnavailable, "the status page is stopping");
  stream->send("retry: " + std::to_string(kRetryMs) + "\n\n");
  stream->send(sse_event("status", text, next_id_++));
  // Streams the server refused or that ended wait here until a broadcast; drop them now too,
  // so that a burst of refused requests cannot grow the list.
  std::erase_if(streams_, [](const ResponseStreamPtr& s) { return !s->open(); });
  streams_.push_back(stream);
  wake_.notify_one();
  return stream;
}

void StatusPage::start() {
  std::lock_guard lock(mu_);
  if (publisher_.joinable() || stopping_) return;
  publisher_ = std::thread([this] { publish_loop(); });
}

void StatusPage::changed() noexcept {
  dirty_.store(true, std::memory_order_relaxed);
}

void StatusPage::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    for (const auto& stream : streams_) stream->close();
    streams_.clear();
  }
  wake_.notify_all();
  if (publisher_.joinable()) publisher_.join();
}

Json StatusPage::view() const {
  StatusInputs inputs = read_();
  inputs.events = events_->newest_first(options_.shown_events);
  return status_view(inputs);
}

std::size_t StatusPage::streams() const {
  std::lock_guard lock(mu_);
  return static_cast<std::size_t>(
      std::count_if(streams_.begin(), streams_.end(), [](const auto& s) { return s->open(); }));
}

void StatusPage::broadcast(const std::string& data) {
  std::erase_if(streams_, [&data](const ResponseStreamPtr& stream) { return !stream->send(data); });
}

void StatusPage::publish_loop() {
  using Clock = std::chrono::steady_clock;
  std::unique_lock lock(mu_);
  auto next_keepalive = Clock::now() + options_.keepalive;
  std::string last_sent;
  while (!stopping_) {
    // Without streams nothing is built: sleep until one subscribes (notified) or a keep-alive.
    // With streams, look for changes every min_interval: changed() is a bare atomic store.
    const auto deadline = streams_.empty()
                              ? next_keepalive
                              : std::min(next_keepalive, Clock::now() + options_.min_interval);
    wake_.wait_until(lock, deadline);
    if (stopping_) break;
    if (!streams_.empty() && dirty_.exchange(false)) {
      lock.unlock();
      std::string text;
      try {
        text = status_json(view());
      } catch (...) {
        dirty_.store(true);  // try again next round
      }
      lock.lock();
      if (stopping_) break;
      if (!text.empty() && text != last_sent) {
        broadcast(sse_event("status", text, next_id_++));
        last_sent = std::move(text);
      }
    }
    if (Clock::now() >= next_keepalive) {
      broadcast(sse_comment("keep-alive"));
      next_keepalive = Clock::now() + options_.keepalive;
    }
  }
}

}  // namespace sluice::server
