#pragma once

// The status page's view model (server/status_page.h): what the page shows, as one JSON
// document built from the objects the operator already holds in its informer caches and from
// the events it recorded itself. Pure functions and a small ring, no I/O, so they are tested
// without a cluster.
//
// Secret-free by construction: fields are copied one by one from a list of what the page
// shows, never whole sub-objects of spec or status, so Secret data cannot reach the page even if
// it appeared in an object. Credentials in a GitSource URL (https://user:token@host/...) are cut
// out; of a secretRef only the name is shown; spec.webhook and status.webhookPath (which would let
// anyone trigger a fetch) and postBuild values are left out.
//
// Bounded: long texts are cut (kMaxText bytes, on a UTF-8 boundary), lists are capped (at most
// kMaxObjects Applications or GitSources, kMaxListed inventory entries and drifted objects per
// Application) and the caps are reported ("truncated", "count"), so the document and every
// server-sent event stay small whatever the cluster holds.
//
// Ordering: Applications, GitSources and SigningPolicies by namespace, then name; conditions
// Ready, Reconciling, Stalled, Verified, Healthy first, then others by type; events newest first.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"

namespace sluice::server {

inline constexpr std::size_t kMaxText = 1024;
inline constexpr std::size_t kMaxObjects = 500;
inline constexpr std::size_t kMaxListed = 100;

// One event the operator recorded (kube/events.h), as the page shows it.
struct StatusEvent {
  std::string time;  // RFC 3339
  std::string type;  // "Normal" or "Warning"
  std::string reason;
  std::string action;
  std::string note;
  std::string kind;
  std::string ns;
  std::string name;
};

// The last `capacity` events, in memory only (the page reads no Event objects from the API).
// Thread-safe; add() is cheap (a lock and a copy of short strings cut to kMaxText).
class RecentEvents {
 public:
  explicit RecentEvents(std::size_t capacity = 200);
  void add(StatusEvent event);
  // Up to `max` events, newest first.
  std::vector<StatusEvent> newest_first(std::size_t max) const;

 private:
  const std::size_t capacity_;
  mutable std::mutex mu_;
  std::deque<StatusEvent> events_;  // oldest first
};

using RecentEventsPtr = std::shared_ptr<RecentEvents>;

// What the view is built from: objects as the API returns them.
struct StatusInputs {
  std::vector<Json> applications;
  std::vector<Json> sources;
  std::vector<Json> policies;
  std::vector<StatusEvent> events;  // newest first
};

// {"applications": [...], "sources": [...], "policies": [...], "events": [...],
//  "summary": {"applications", "ready", "notReady", "sources"}, "truncated": bool}; see
// docs/status-page.md for the fields of each entry.
Json status_view(const StatusInputs& inputs);

// `url` without userinfo ("https://user:pw@host/x" -> "https://host/x").
std::string redact_url(std::string_view url);

// `text` cut to `max` bytes without splitting a UTF-8 sequence, with "…" appended to mark a cut.
std::string cut_text(std::string_view text, std::size_t max = kMaxText);

// The document as text for the page and its stream: compact JSON, invalid UTF-8 replaced
// (never a throw), '<', '>' and '&' as \u escapes so the text is inert even if some client
// treated it as HTML.
std::string status_json(const Json& view);

// One server-sent event (the text/event-stream format of the HTML standard): "id: <id>",
// "event: <event>", one "data:" line per line of `data` (CR, LF and CRLF all end a line),
// then a blank line. Throws Error(kInvalidArgument) for an event name with a line break.
std::string sse_event(std::string_view event, std::string_view data, std::uint64_t id);
// A comment line, ignored by clients; keeps a quiet stream alive through proxies and lets the
// server notice a vanished client. Line breaks in `text` become spaces.
std::string sse_comment(std::string_view text);

}  // namespace sluice::server
