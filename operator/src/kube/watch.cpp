#include "kube/watch.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <exception>
#include <functional>
#include <utility>
#include <vector>

#include <boost/fiber/future.hpp>
#include <cpprest/http_client.h>
#include <cpprest/uri.h>

#include "core/error.h"
#include "kube/status.h"

namespace sluice::kube {
namespace {

namespace http = web::http;
using ByteBuffer = concurrency::streams::streambuf<std::uint8_t>;

constexpr std::size_t kReadChunk = std::size_t{64} * 1024;
constexpr std::size_t kMaxErrorBody = std::size_t{1024} * 1024;

// Waits for `task` on the calling fiber. An abort cuts the exchange through `cancel` and ends
// the wait at once with kCancelled, whatever the task does afterwards.
template <class T>
T await(const pplx::task<T>& task, runtime::AbortSource& abort,
        pplx::cancellation_token_source& cancel) {
  struct Shared {
    boost::fibers::promise<T> promise;
    std::atomic<bool> settled{false};
  };
  auto shared = std::make_shared<Shared>();
  auto future = shared->promise.get_future();
  task.then([shared](const pplx::task<T>& done) {
    try {
      T value = done.get();  // done: get() returns at once
      if (!shared->settled.exchange(true)) shared->promise.set_value(std::move(value));
    } catch (...) {
      if (!shared->settled.exchange(true)) {
        shared->promise.set_exception(std::current_exception());
      }
    }
  });
  const auto subscription = abort.subscribe([shared, cancel]() {
    // Settle first: cancelling fails the pending read at once, on another thread, and that
    // failure must not win over the abort.
    if (!shared->settled.exchange(true)) {
      shared->promise.set_exception(
          std::make_exception_ptr(Error(ErrorCode::kCancelled, "watch aborted")));
    }
    cancel.cancel();
  });
  return future.get();
}

// Whatever the buffer holds right now, or, when it is empty, whatever arrives next (at least
// one byte). Empty means the body ended. A plain getn(n) would wait for all n bytes.
pplx::task<std::string> read_some(ByteBuffer body) {
  const std::size_t available = body.in_avail();
  if (available > 0) {
    auto chunk = std::make_shared<std::vector<std::uint8_t>>(std::min(available, kReadChunk));
    return body.getn(chunk->data(), chunk->size()).then([chunk](std::size_t read) {
      return std::string(chunk->begin(), chunk->begin() + static_cast<std::ptrdiff_t>(read));
    });
  }
  return body.bumpc().then([](ByteBuffer::int_type byte) {
    if (byte == ByteBuffer::traits::eof()) return std::string();
    return std::string(1, static_cast<char>(byte));
  });
}

WatchEventType event_type(const std::string& name) {
  if (name == "ADDED") return WatchEventType::kAdded;
  if (name == "MODIFIED") return WatchEventType::kModified;
  if (name == "DELETED") return WatchEventType::kDeleted;
  if (name == "BOOKMARK") return WatchEventType::kBookmark;
  if (name == "ERROR") return WatchEventType::kError;
  throw invalid_argument("watch event has unknown type \"" + name.substr(0, 40) + "\"");
}

}  // namespace

bool json_nests_deeper_than(std::string_view text, std::size_t limit) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > limit) return true;
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return false;
}

const char* to_string(WatchEventType type) noexcept {
  switch (type) {
    case WatchEventType::kAdded:
      return "ADDED";
    case WatchEventType::kModified:
      return "MODIFIED";
    case WatchEventType::kDeleted:
      return "DELETED";
    case WatchEventType::kBookmark:
      return "BOOKMARK";
    case WatchEventType::kError:
      return "ERROR";
  }
  return "?";
}

std::string WatchEvent::resource_version() const {
  const auto metadata = object.find("metadata");
  if (metadata == object.end() || !metadata->is_object()) return {};
  const auto version = metadata->find("resourceVersion");
  return version != metadata->end() && version->is_string() ? version->get<std::string>()
                                                            : std::string();
}

std::string watch_query(const WatchOptions& options, std::chrono::seconds timeout) {
  std::string query = "?watch=1";
  const auto add = [&query](const char* name, const std::string& value) {
    query += std::string("&") + name + "=" + web::uri::encode_data_string(value);
  };
  if (options.allow_bookmarks) add("allowWatchBookmarks", "true");
  if (!options.resource_version.empty()) add("resourceVersion", options.resource_version);
  if (!options.label_selector.empty()) add("labelSelector", options.label_selector);
  if (!options.field_selector.empty()) add("fieldSelector", options.field_selector);
  add("timeoutSeconds", std::to_string(timeout.count()));
  return query;
}

WatchEvent parse_watch_event(std::string_view line) {
  if (json_nests_deeper_than(line, kMaxEventDepth)) {
    throw resource_exhausted("watch stream: an event nests deeper than " +
                             std::to_string(kMaxEventDepth) + " levels");
  }
  Json parsed = Json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    throw invalid_argument("watch stream: a line is not a JSON object: \"" +
                           std::string(line.substr(0, 80)) + "\"");
  }
  const auto type = parsed.find("type");
  const auto object = parsed.find("object");
  if (type == parsed.end() || !type->is_string() || object == parsed.end() ||
      !object->is_object()) {
    throw invalid_argument("watch stream: an event needs a string \"type\" and an object");
  }
  WatchEvent event;
  event.type = event_type(type->get<std::string>());
  // Not moved through the iterator: GCC 12 sees a possible null there (-Wnull-dereference).
  event.object = std::move(parsed["object"]);
  return event;
}

void throw_if_error(const WatchEvent& event, const std::string& what) {
  if (event.type != WatchEventType::kError) return;
  // An HTTP status code, or 500: a "code" of another type or range must not throw anything but
  // the Error below (value<int>() would throw nlohmann's type_error for a string).
  const auto field = event.object.find("code");
  int code = 500;
  if (field != event.object.end() && field->is_number_integer()) {
    const auto number = field->get<std::int64_t>();
    if (number >= 100 && number <= 599) code = static_cast<int>(number);
  }
  throw error_from_response(code, event.object.dump(), what);
}

void EventLineBuffer::append(std::string_view bytes) {
  if (start_ > 0 && start_ == data_.size()) {
    data_.clear();
    start_ = scanned_ = tail_ = 0;
  }
  if (const std::size_t newline = bytes.rfind('\n'); newline != std::string_view::npos) {
    tail_ = data_.size() + newline + 1;
  }
  data_.append(bytes);
  // Only the unterminated tail counts here (next_line() checks complete lines): it is what a
  // peer that never sends a newline would grow without bound.
  if (data_.size() - std::max(tail_, start_) > max_line_) {
    throw resource_exhausted("watch stream: an event is over the limit of " +
                             std::to_string(max_line_) + " bytes");
  }
}

std::optional<std::string> EventLineBuffer::next_line() {
  const std::size_t newline = data_.find('\n', std::max(scanned_, start_));
  if (newline == std::string::npos) {
    scanned_ = data_.size();
    return std::nullopt;
  }
  std::size_t end = newline;
  if (end > start_ && data_[end - 1] == '\r') --end;
  if (end - start_ > max_line_) {
    throw resource_exhausted("watch stream: an event is over the limit of " +
                             std::to_string(max_line_) + " bytes");
  }
  std::string line = data_.substr(start_, end - start_);
  start_ = scanned_ = newline + 1;
  if (start_ > kReadChunk && start_ * 2 > data_.size()) {  // keep the buffer from growing
    data_.erase(0, start_);
    tail_ -= std::min(tail_, start_);
    start_ = scanned_ = 0;
  }
  return line;
}

struct WatchStream::State {
  State(std::shared_ptr<http::client::http_client> client, std::string where,
        std::size_t max_event_bytes)
      : http(std::move(client)), what(std::move(where)), lines(max_event_bytes) {}
  State(const State&) = delete;
  State& operator=(const State&) = delete;
  ~State() { cancel.cancel(); }

  std::shared_ptr<http::client::http_client> http;
  std::string what;
  pplx::cancellation_token_source cancel;
  pplx::task<http::http_response> response;
  std::optional<ByteBuffer> body;  // once the headers are in
  EventLineBuffer lines;
  bool finished = false;
};

WatchStream::WatchStream(std::shared_ptr<State> state) : state_(std::move(state)) {}
WatchStream::WatchStream(WatchStream&&) noexcept = default;
WatchStream& WatchStream::operator=(WatchStream&&) noexcept = default;
WatchStream::~WatchStream() {
  close();
}

void WatchStream::close() noexcept {
  if (!state_) return;
  state_->finished = true;
  state_->cancel.cancel();
}

WatchStream WatchStream::start(std::shared_ptr<http::client::http_client> http,
                               const http::http_request& request, std::string what,
                               std::size_t max_event_bytes) {
  auto state = std::make_shared<State>(std::move(http), std::move(what), max_event_bytes);
  try {
    state->response = state->http->request(request, state->cancel.get_token());
  } catch (const std::exception& e) {
    throw Error(ErrorCode::kUnavailable, state->what + ": " + e.what());
  }
  return WatchStream(std::move(state));
}

std::optional<WatchEvent> WatchStream::next(runtime::AbortSource& abort) {
  if (!state_ || state_->finished) {
    throw Error(ErrorCode::kFailedPrecondition, "watch stream is already finished");
  }
  State& s = *state_;
  try {
    if (!s.body) {
      const http::http_response response = await(s.response, abort, s.cancel);
      ByteBuffer body = response.body().streambuf();
      if (response.status_code() < 200 || response.status_code() > 299) {
        std::string text;
        for (std::string chunk; text.size() < kMaxErrorBody &&
                                !(chunk = await(read_some(body), abort, s.cancel)).empty();) {
          text += chunk;
        }
        throw error_from_response(response.status_code(), text, s.what);
      }
      s.body = body;
    }
    for (;;) {
      if (auto line = s.lines.next_line()) {
        if (line->empty()) continue;
        WatchEvent event = parse_watch_event(*line);
        throw_if_error(event, s.what);
        return event;
      }
      const std::string chunk = await(read_some(*s.body), abort, s.cancel);
      if (chunk.empty()) {
        s.finished = true;
        if (s.lines.has_partial_line()) {
          throw Error(ErrorCode::kUnavailable,
                      s.what + ": the stream ended in the middle of an event");
        }
        return std::nullopt;
      }
      s.lines.append(chunk);
    }
  } catch (const Error&) {
    close();
    throw;
  } catch (const std::exception& e) {
    close();
    if (const auto* http_error = dynamic_cast<const http::http_exception*>(&e);
        http_error && http_error->error_code() == std::errc::timed_out) {
      throw Error(ErrorCode::kDeadlineExceeded, s.what + ": timed out: " + e.what());
    }
    throw Error(ErrorCode::kUnavailable, s.what + ": " + e.what());
  }
}

}  // namespace sluice::kube
