#pragma once

// The live status page (`sluice run --status-addr`): a read-only web page of the Applications,
// GitSources and SigningPolicies this operator watches, with their conditions, revisions,
// inventory, drift, verification and the events the operator recorded; docs/status-page.md.
//
//   GET /                the page (HTML; its CSS and JS at /status.css and /status.js, all
//                        embedded in the binary: no CDN, no build step)
//   GET /api/v1/status   the view model (status_page_view.h) as JSON
//   GET /api/v1/events   text/event-stream: "status" events carrying that JSON, first at once,
//                        then whenever it changes; a ": keep-alive" comment every keepalive
//
// Cost: everything comes from what the operator already holds (informer caches, read through
// the Read function, and RecentEvents); the page sends no request to the API server. With no
// stream open a change costs one atomic store; with streams open, changes are coalesced to
// at most one rebuild per min_interval, and an event is sent only when the document differs.
//
// Thread safety: changed() from any thread or fiber; mount() before the server starts; start()
// and stop() from one thread. stop() must come before the HttpServer is stopped or destroyed
// (it ends every stream, so nothing writes into a connection the server is tearing down).

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "server/http_server.h"
#include "server/response_stream.h"
#include "server/status_page_view.h"

namespace sluice::server {

class StatusPage {
 public:
  struct Options {
    std::chrono::milliseconds keepalive = std::chrono::seconds(15);
    std::chrono::milliseconds min_interval = std::chrono::milliseconds(500);
    std::size_t shown_events = 50;
    // Per stream: what a client has not read yet, before the stream is dropped (it reconnects).
    std::size_t stream_buffer_bytes = std::size_t{4} * 1024 * 1024;
  };
  // The objects to show, from caches; called on the server's and the publisher's threads, so
  // it must be thread-safe and quick. `events` is filled by the page from RecentEvents.
  using Read = std::function<StatusInputs()>;

  StatusPage(Read read, RecentEventsPtr events, Options options);
  StatusPage(const StatusPage&) = delete;
  StatusPage& operator=(const StatusPage&) = delete;
  // stop().
  ~StatusPage();

  // Registers the routes above (GET only: the page changes nothing).
  void mount(HttpServer& server);
  // Starts the publisher thread.
  void start();
  // Something the page shows may have changed.
  void changed() noexcept;
  // Ends every stream and joins the publisher. Idempotent.
  void stop();

  // The current document (status_view of what Read returns and the recent events).
  Json view() const;
  // Streams open now.
  std::size_t streams() const;

 private:
  void publish_loop();
  ResponseStreamPtr subscribe();
  // Sends `data` to every stream, forgetting those that ended. Caller holds mu_.
  void broadcast(const std::string& data);

  const Read read_;
  const RecentEventsPtr events_;
  const Options options_;
  std::atomic<bool> dirty_{true};
  mutable std::mutex mu_;  // guards what follows
  std::condition_variable wake_;
  std::vector<ResponseStreamPtr> streams_;
  std::uint64_t next_id_ = 1;
  bool stopping_ = false;
  std::thread publisher_;
};

}  // namespace sluice::server
