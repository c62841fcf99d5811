// Watch event parsing and line splitting, and WatchStream against a loopback server that sends
// a chunked body piece by piece (so incremental reading and abort are observable).
#include "kube/watch.h"

#include <chrono>
#include <functional>
#include <future>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/error.h"
#include "kube/client.h"
#include "runtime/abort_source.h"

namespace sluice::kube {
namespace {

ErrorCode code_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const Error& e) {
    return e.code();
  }
  ADD_FAILURE() << "no error thrown";
  return ErrorCode::kInternal;
}

TEST(WatchEventTest, ParsesEachType) {
  const WatchEvent added = parse_watch_event(
      R"({"type":"ADDED","object":{"metadata":{"name":"a","resourceVersion":"7"}}})");
  EXPECT_EQ(added.type, WatchEventType::kAdded);
  EXPECT_EQ(added.object["metadata"]["name"], "a");
  EXPECT_EQ(added.resource_version(), "7");
  EXPECT_EQ(parse_watch_event(R"({"type":"MODIFIED","object":{}})").type,
            WatchEventType::kModified);
  EXPECT_EQ(parse_watch_event(R"({"type":"DELETED","object":{}})").type, WatchEventType::kDeleted);
  const WatchEvent bookmark = parse_watch_event(
      R"({"type":"BOOKMARK","object":{"kind":"ConfigMap","metadata":{"resourceVersion":"99"}}})");
  EXPECT_EQ(bookmark.type, WatchEventType::kBookmark);
  EXPECT_EQ(bookmark.resource_version(), "99");
}

TEST(WatchEventTest, RefusesMalformedLines) {
  for (const char* line : {"not json", "[1,2]", R"({"type":"ADDED"})",
                           R"({"type":"ADDED","object":"x"})", R"({"type":7,"object":{}})",
                           R"({"type":"RENAMED","object":{}})", R"({"type":"ADDED","object":{})"}) {
    EXPECT_EQ(code_of([&] { parse_watch_event(line); }), ErrorCode::kInvalidArgument) << line;
  }
}

TEST(WatchEventTest, RefusesEventsNestedTooDeeply) {
  const auto nested = [](std::size_t levels) {
    // The event wrapper and "object" are two levels; the rest are arrays inside "data".
    return R"({"type":"ADDED","object":{"data":)" + std::string(levels - 2, '[') +
           std::string(levels - 2, ']') + "}}";
  };
  EXPECT_NO_THROW(parse_watch_event(nested(kMaxEventDepth)));
  EXPECT_EQ(code_of([&] { parse_watch_event(nested(kMaxEventDepth + 1)); }),
            ErrorCode::kResourceExhausted);
  // Brackets inside strings (escaped quotes included) do not count.
  const std::string in_string =
      R"({"type":"ADDED","object":{"s":"\"[[[[)" + std::string(500, '[') + R"("}})";
  EXPECT_NO_THROW(parse_watch_event(in_string));
}

TEST(WatchEventTest, ErrorEventsThrowTheirStatus) {
  const WatchEvent gone = parse_watch_event(
      R"({"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","status":"Failure",)"
      R"j("message":"too old resource version: 5 (90)","reason":"Expired","code":410}})j");
  try {
    throw_if_error(gone, "WATCH /x");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kGone);
    EXPECT_NE(std::string(e.what()).find("too old resource version"), std::string::npos);
  }
  const WatchEvent internal = parse_watch_event(
      R"({"type":"ERROR","object":{"kind":"Status","reason":"InternalError","code":500}})");
  EXPECT_EQ(code_of([&] { throw_if_error(internal, "WATCH /x"); }), ErrorCode::kUnavailable);
  EXPECT_NO_THROW(throw_if_error(parse_watch_event(R"({"type":"ADDED","object":{}})"), "x"));
}

// Found by fuzz_kube_response (corpus: error-code-string): a "code" that is not an integer
// threw nlohmann's type_error instead of the event's Error.
TEST(WatchEventTest, ErrorEventsWithoutAUsableCodeAreServerErrors) {
  for (const char* code : {R"("410")", "null", "4.1e2", "-1", "99999999999"}) {
    const WatchEvent event = parse_watch_event(
        std::string(R"({"type":"ERROR","object":{"kind":"Status","code":)") + code + "}}");
    EXPECT_EQ(code_of([&] { throw_if_error(event, "WATCH /x"); }), ErrorCode::kUnavailable) << code;
  }
}

TEST(EventLineBufferTest, SplitsAcrossChunksAndDropsCarriageReturns) {
  EventLineBuffer lines(100);
  lines.append("{\"a\":1}\n{\"b\"");
  EXPECT_EQ(lines.next_line(), "{\"a\":1}");
  EXPECT_EQ(lines.next_line(), std::nullopt);
  EXPECT_TRUE(lines.has_partial_line());
  lines.append(":2}\r\n\n");
  EXPECT_EQ(lines.next_line(), "{\"b\":2}");
  EXPECT_EQ(lines.next_line(), "");
  EXPECT_EQ(lines.next_line(), std::nullopt);
  EXPECT_FALSE(lines.has_partial_line());
}

TEST(EventLineBufferTest, RefusesALineOverTheLimitEvenWithoutANewline) {
  EventLineBuffer lines(10);
  lines.append("0123456789\n");  // exactly the limit: fine
  EXPECT_EQ(lines.next_line(), "0123456789");
  lines.append("01234");
  EXPECT_EQ(code_of([&] { lines.append("567890"); }), ErrorCode::kResourceExhausted);

  EventLineBuffer complete(10);
  complete.append("short\n0123456789ABC\n");  // the oversized line arrives whole
  EXPECT_EQ(complete.next_line(), "short");
  EXPECT_EQ(code_of([&] { complete.next_line(); }), ErrorCode::kResourceExhausted);
}

TEST(EventLineBufferTest, ManyLinesInSmallPiecesComeOutIntact) {
  EventLineBuffer lines(64);
  std::string stream;
  for (int i = 0; i < 5000; ++i) stream += "line-" + std::to_string(i) + "\n";
  int next = 0;
  for (std::size_t at = 0; at < stream.size(); at += 7) {
    lines.append(std::string_view(stream).substr(at, 7));
    while (auto line = lines.next_line()) EXPECT_EQ(*line, "line-" + std::to_string(next++));
  }
  EXPECT_EQ(next, 5000);
}

TEST(WatchQueryTest, CarriesEveryOption) {
  WatchOptions options;
  options.resource_version = "123";
  options.label_selector = "app=web,tier in (a,b)";
  options.field_selector = "metadata.name=x";
  EXPECT_EQ(watch_query(options, std::chrono::seconds(42)),
            "?watch=1&allowWatchBookmarks=true&resourceVersion=123"
            "&labelSelector=app%3Dweb%2Ctier%20in%20%28a%2Cb%29"
            "&fieldSelector=metadata.name%3Dx&timeoutSeconds=42");
  options = {};
  options.allow_bookmarks = false;
  EXPECT_EQ(watch_query(options, std::chrono::seconds(1)), "?watch=1&timeoutSeconds=1");
}

// One connection: records the request head, answers with chunked transfer encoding and sends
// each piece when the test says so.
class StreamingServer {
 public:
  StreamingServer() : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    EXPECT_EQ(::listen(fd_, 4), 0);
    socklen_t length = sizeof address;
    EXPECT_EQ(::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length), 0);
    port_ = ntohs(address.sin_port);
    accepted_ = std::async(std::launch::async, [this] { return accept_one(); });
  }
  ~StreamingServer() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    if (conn_ >= 0) ::close(conn_);
  }
  StreamingServer(const StreamingServer&) = delete;
  StreamingServer& operator=(const StreamingServer&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // Waits for the request; returns its head.
  std::string request_head() {
    if (head_.empty()) head_ = accepted_.get();
    return head_;
  }
  void respond(int status, const std::string& reason) {
    request_head();
    write("HTTP/1.1 " + std::to_string(status) + " " + reason +
          "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
  }
  void chunk(const std::string& data) {
    std::ostringstream size;
    size << std::hex << data.size();
    write(size.str() + "\r\n" + data + "\r\n");
  }
  void finish() { write("0\r\n\r\n"); }
  void drop() { ::shutdown(conn_, SHUT_RDWR); }
  // True once the client closed its side (the read returns 0 or fails).
  bool client_closed() {
    char byte;
    return ::recv(conn_, &byte, 1, 0) <= 0;
  }

 private:
  std::string accept_one() {
    conn_ = ::accept(fd_, nullptr, nullptr);
    std::string data;
    char buffer[4096];
    while (data.find("\r\n\r\n") == std::string::npos) {
      const auto n = ::recv(conn_, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      data.append(buffer, static_cast<std::size_t>(n));
    }
    return data;
  }
  void write(const std::string& data) {
    ASSERT_EQ(::send(conn_, data.data(), data.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(data.size()));
  }

  int fd_;
  int conn_ = -1;
  int port_ = 0;
  std::future<std::string> accepted_;
  std::string head_;
};

Client client_for(const StreamingServer& server) {
  ClusterConfig config;
  config.server = server.url();
  return Client(config);
}

WatchOptions options_at(std::string version) {
  WatchOptions options;
  options.resource_version = std::move(version);
  options.timeout = std::chrono::seconds(30);
  options.max_event_bytes = 4096;
  return options;
}

TEST(WatchStreamTest, DeliversEachEventAsItArrives) {
  StreamingServer server;
  const Client client = client_for(server);
  WatchStream stream = client.watch(configmaps(), "ns", options_at("5"));
  const std::string head = server.request_head();
  EXPECT_EQ(head.rfind("GET /api/v1/namespaces/ns/configmaps?watch=1&allowWatchBookmarks=true"
                       "&resourceVersion=5&timeoutSeconds=30 HTTP/1.1\r\n",
                       0),
            0u)
      << head;
  server.respond(200, "OK");
  server.chunk(R"({"type":"ADDED","object":{"metadata":{"name":"a","resourceVersion":"6"}}})"
               "\n");
  runtime::AbortSource abort;
  // Only the first event has been sent: next() must not wait for more bytes.
  auto first = stream.next(abort);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->type, WatchEventType::kAdded);
  EXPECT_EQ(first->resource_version(), "6");
  // An event split over several chunks, then a bookmark in the same chunk as the end of it.
  server.chunk(R"({"type":"MODIFIED","object":{"metadata":)");
  server.chunk(R"({"name":"a","resourceVersion":"7"}}})"
               "\n"
               R"({"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"8"}}})"
               "\n");
  auto second = stream.next(abort);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->type, WatchEventType::kModified);
  EXPECT_EQ(second->resource_version(), "7");
  auto third = stream.next(abort);
  ASSERT_TRUE(third);
  EXPECT_EQ(third->type, WatchEventType::kBookmark);
  EXPECT_EQ(third->resource_version(), "8");
  server.finish();
  EXPECT_EQ(stream.next(abort), std::nullopt);
}

TEST(WatchStreamTest, AbortEndsAWaitingNextAndClosesTheConnection) {
  StreamingServer server;
  const Client client = client_for(server);
  WatchStream stream = client.watch(configmaps(), "ns", options_at("5"));
  server.respond(200, "OK");
  runtime::AbortSource abort;
  std::thread aborter([&abort] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    abort.request_abort("shutting down");
  });
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(code_of([&] { stream.next(abort); }), ErrorCode::kCancelled);
  aborter.join();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  EXPECT_TRUE(server.client_closed());
  EXPECT_EQ(code_of([&] { stream.next(abort); }), ErrorCode::kFailedPrecondition);
}

TEST(WatchStreamTest, MapsErrorEventsAndFailedStarts) {
  {
    StreamingServer server;
    WatchStream stream = client_for(server).watch(configmaps(), "ns", options_at("5"));
    server.respond(200, "OK");
    server.chunk(
        R"({"type":"ERROR","object":{"kind":"Status","status":"Failure","reason":"Expired",)"
        R"j("message":"too old resource version: 5 (40)","code":410}})j"
        "\n");
    runtime::AbortSource abort;
    EXPECT_EQ(code_of([&] { stream.next(abort); }), ErrorCode::kGone);
  }
  {
    StreamingServer server;
    WatchStream stream = client_for(server).watch(configmaps(), "ns", options_at("5"));
    server.respond(403, "Forbidden");
    server.chunk(R"({"kind":"Status","status":"Failure","reason":"Forbidden","code":403})");
    server.finish();
    runtime::AbortSource abort;
    EXPECT_EQ(code_of([&] { stream.next(abort); }), ErrorCode::kPermissionDenied);
  }
}

TEST(WatchStreamTest, OversizedMalformedAndCutStreamsFail) {
  runtime::AbortSource abort;
  {
    StreamingServer server;
    WatchStream stream = client_for(server).watch(configmaps(), "ns", options_at("5"));
    server.respond(200, "OK");
    server.chunk(R"({"type":"ADDED","object":{"data":")" + std::string(5000, 'x'));
    EXPECT_EQ(code_of([&] { stream.next(abort); }), ErrorCode::kResourceExhausted);
  }
  {
    StreamingServer server;
    WatchStream stream = client_for(server).watch(configmaps(), "ns", options_at("5"));
    server.respond(200, "OK");
    server.chunk("<html>proxy error</html>\n");
    EXPECT_EQ(code_of([&] { stream.next(abort); }), ErrorCode::kInvalidArgument);
  }
  {
    StreamingServer server;
    WatchStream stream = client_for(server).watch(configmaps(), "ns", options_at("5"));
    server.respond(200, "OK");
    server.chunk(R"({"type":"ADDED","obj)");
    server.drop();
    EXPECT_EQ(code_of([&] { stream.next(abort); }), ErrorCode::kUnavailable);
  }
}

}  // namespace
}  // namespace sluice::kube
