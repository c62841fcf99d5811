#pragma once

// Streaming watches: GET <collection>?watch=1 read as newline-delimited JSON events.
//
// The body is read incrementally from cpprestsdk's response stream as it arrives, never buffered
// whole: only the bytes of the event being assembled are held, and one event may be at most
// WatchOptions::max_event_bytes long (kResourceExhausted past that, naming the limit; a line that
// is not a watch event is kInvalidArgument). Waiting for the next event suspends only the calling
// fiber (pplx continuations fulfil a fiber promise, as http/exchange.h does) and is cancelled
// through a runtime::AbortSource, which also cuts the connection.
//
// Timeouts: a watch is a long-lived response, so Client::watch() sends it on its own
// http_client whose timeout is the server-side timeoutSeconds plus a margin (cpprestsdk's timeout
// would otherwise cut every quiet watch after ClientOptions::timeout). The server ends the watch
// cleanly after timeoutSeconds, randomised in [5, 10) minutes by default like client-go so that
// many watchers do not reconnect in lockstep; next() then returns nullopt and the caller resumes
// from the last resourceVersion it saw (bookmarks included). Each watch start takes one token
// from the client's rate limiter; a watch is never retried here (the reflector decides).
//
// ERROR events carry a metav1.Status and are thrown as the Error kube/status.h maps it to:
// 410 Gone / Expired ("too old resource version") is kGone, meaning "relist".

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/object.h"
#include "runtime/abort_source.h"

namespace web::http {
class http_request;
namespace client {
class http_client;
}
}  // namespace web::http

namespace sluice::kube {

enum class WatchEventType { kAdded, kModified, kDeleted, kBookmark, kError };

const char* to_string(WatchEventType type) noexcept;

struct WatchEvent {
  WatchEventType type = WatchEventType::kAdded;
  Json object;  // the object; for kBookmark only metadata.resourceVersion is meaningful

  // metadata.resourceVersion of `object`, empty when it has none.
  std::string resource_version() const;
};

struct WatchOptions {
  std::string resource_version;  // start after this version; empty: "any recent state"
  std::string label_selector;
  std::string field_selector;
  bool allow_bookmarks = true;
  // Server-side timeoutSeconds; empty picks a random value in [300, 600) like client-go.
  std::optional<std::chrono::seconds> timeout;
  // Largest single event line accepted. Objects are at most ~1.5 MiB in etcd; 16 MiB leaves room
  // for JSON escaping and large custom resources.
  std::size_t max_event_bytes = std::size_t{16} * 1024 * 1024;
};

// The query string (starting with '?') for a watch with `options` and a resolved timeout.
std::string watch_query(const WatchOptions& options, std::chrono::seconds timeout);

// Deepest nesting of objects and arrays accepted in an event (the event's own wrapper counts).
// Kubernetes objects rarely pass 30 levels; the limit keeps the recursive parts of nlohmann
// (dump, copies) within a fiber's stack.
inline constexpr std::size_t kMaxEventDepth = 200;
// The same bound for the answers of Client::request_json (get, list, apply...): a list wraps
// its objects in one level more than an event does, so a list takes every object a watch does.
inline constexpr std::size_t kMaxResponseDepth = kMaxEventDepth + 1;

// True when the JSON `text` nests objects and arrays deeper than `limit` (brackets inside
// strings do not count). A linear scan before parsing: nlohmann's parser is iterative, but
// dump() and copies recurse once per level, and they run on fiber stacks of a few hundred KiB.
bool json_nests_deeper_than(std::string_view text, std::size_t limit);

// Parses one event line: {"type": "...", "object": {...}}. Throws kInvalidArgument for
// anything else, kResourceExhausted past kMaxEventDepth. ERROR events are returned as such
// (see throw_if_error).
WatchEvent parse_watch_event(std::string_view line);

// For a kError event: throws the Error its Status maps to (kGone for 410). No-op otherwise.
void throw_if_error(const WatchEvent& event, const std::string& what);

// Splits a byte stream into lines, holding at most `max_line` bytes of an incomplete line.
class EventLineBuffer {
 public:
  explicit EventLineBuffer(std::size_t max_line) : max_line_(max_line) {}

  // Adds bytes; throws kResourceExhausted when the pending line grows past max_line.
  void append(std::string_view bytes);
  // The next complete line without its '\n' (a trailing '\r' is dropped too), if any.
  std::optional<std::string> next_line();
  // Bytes held that do not end in a newline yet.
  bool has_partial_line() const noexcept { return start_ < data_.size(); }

 private:
  std::size_t max_line_;
  std::string data_;
  std::size_t start_ = 0;    // first byte of the current line
  std::size_t scanned_ = 0;  // bytes before this hold no newline
  std::size_t tail_ = 0;     // first byte after the last newline appended
};

// One open watch. Movable; destroying it (or close()) cuts the connection.
class WatchStream {
 public:
  WatchStream(WatchStream&&) noexcept;
  WatchStream& operator=(WatchStream&&) noexcept;
  WatchStream(const WatchStream&) = delete;
  WatchStream& operator=(const WatchStream&) = delete;
  ~WatchStream();

  // The next event, suspending the calling fiber until one arrives; nullopt when the server ends
  // the watch (timeout) cleanly. Throws: the mapped Error for a non-2xx answer or an ERROR event
  // (kGone for 410), kUnavailable when the connection fails or ends mid-event, kCancelled on
  // abort (the stream is closed then), kResourceExhausted / kInvalidArgument as above. After a
  // throw the stream is finished.
  std::optional<WatchEvent> next(runtime::AbortSource& abort);

  void close() noexcept;

  // Used by Client::watch(): sends `request` on `http` (which the stream keeps alive).
  static WatchStream start(std::shared_ptr<web::http::client::http_client> http,
                           const web::http::http_request& request, std::string what,
                           std::size_t max_event_bytes);

 private:
  struct State;
  explicit WatchStream(std::shared_ptr<State> state);
  std::shared_ptr<State> state_;
};

}  // namespace sluice::kube
