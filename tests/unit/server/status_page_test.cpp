#include "server/status_page.h"

#include <atomic>
#include <mutex>
#include <string>

#include <gtest/gtest.h>

#include "http_test_client.h"
#include "server/response_stream.h"

namespace sluice::server {
namespace {

using testing::eventually;
using testing::RawConnection;

// A page over a mutable list of Applications, served by a real HttpServer.
class StatusPageTest : public ::testing::Test {
 protected:
  void start(std::size_t max_streams = 4, StatusPage::Options options = fast()) {
    HttpServer::Options server_options;
    server_options.max_streams = max_streams;
    server_ = std::make_unique<HttpServer>(server_options);
    page_ = std::make_unique<StatusPage>(
        [this] {
          std::lock_guard lock(mu_);
          StatusInputs inputs;
          inputs.applications = applications_;
          return inputs;
        },
        events_, options);
    page_->mount(*server_);
    server_->start();
    page_->start();
  }
  void TearDown() override {
    if (page_) page_->stop();
    if (server_) server_->stop();
  }
  static StatusPage::Options fast() {
    StatusPage::Options options;
    options.min_interval = std::chrono::milliseconds(10);
    return options;
  }
  void set_app(const std::string& name, const std::string& revision) {
    std::lock_guard lock(mu_);
    applications_ = {Json{{"metadata", {{"namespace", "ns"}, {"name", name}}},
                          {"status", {{"lastAppliedRevision", revision}}}}};
  }
  // Reads from `connection` into `seen` until it holds `text`; false when the stream ended.
  static bool read_until(RawConnection& connection, std::string& seen, const std::string& text) {
    while (seen.find(text) == std::string::npos) {
      const std::string more = connection.receive_some();
      if (more.empty()) return false;
      seen += more;
    }
    return true;
  }
  static std::string stream_request() {
    return "GET /api/v1/events HTTP/1.1\r\nHost: test\r\nAccept: text/event-stream\r\n\r\n";
  }

  std::mutex mu_;
  std::vector<Json> applications_;
  RecentEventsPtr events_ = std::make_shared<RecentEvents>();
  std::unique_ptr<HttpServer> server_;
  std::unique_ptr<StatusPage> page_;
};

TEST_F(StatusPageTest, ServesTheEmbeddedPageWithASafePolicy) {
  start();
  const auto page = testing::get(server_->port(), "/");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.headers.at("content-type"), "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("<meta name=\"viewport\""), std::string::npos);
  EXPECT_NE(page.body.find("aria-live=\"polite\""), std::string::npos);
  EXPECT_NE(page.headers.at("content-security-policy").find("default-src 'none'"),
            std::string::npos);
  EXPECT_EQ(page.headers.at("x-content-type-options"), "nosniff");
  const auto script = testing::get(server_->port(), "/status.js");
  EXPECT_EQ(script.status, 200);
  // Data goes in as text only: no API of the script parses markup.
  for (const char* parser : {"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write"}) {
    EXPECT_EQ(script.body.find(parser), std::string::npos) << parser;
  }
  EXPECT_EQ(testing::get(server_->port(), "/status.css").status, 200);
}

TEST_F(StatusPageTest, ReadOnlyOtherMethodsAreRefused) {
  start();
  const auto post = testing::round_trip(
      server_->port(),
      "POST /api/v1/status HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(post.status, 405);
}

TEST_F(StatusPageTest, JsonEndpointServesTheViewWithEvents) {
  set_app("web", "main@sha1:1");
  StatusEvent applied;
  applied.type = "Normal";
  applied.reason = "Applied";
  applied.kind = "Application";
  events_->add(applied);
  start();
  const auto response = testing::get(server_->port(), "/api/v1/status");
  ASSERT_EQ(response.status, 200);
  EXPECT_EQ(response.headers.at("content-type"), "application/json");
  EXPECT_EQ(response.headers.at("cache-control"), "no-store");
  const Json view = Json::parse(response.body);
  EXPECT_EQ(view["applications"][0]["revision"], "main@sha1:1");
  EXPECT_EQ(view["events"][0]["reason"], "Applied");
}

TEST_F(StatusPageTest, StreamSendsTheViewAtOnceThenEachChange) {
  set_app("web", "main@sha1:1");
  start();
  RawConnection connection(server_->port());
  ASSERT_TRUE(connection.send(stream_request()));
  std::string seen;
  ASSERT_TRUE(read_until(connection, seen, "main@sha1:1"));
  EXPECT_NE(seen.find("HTTP/1.1 200"), std::string::npos);
  EXPECT_NE(seen.find("Content-Type: text/event-stream"), std::string::npos);
  EXPECT_NE(seen.find("Transfer-Encoding: chunked"), std::string::npos);
  EXPECT_NE(seen.find("retry: 3000\n"), std::string::npos);
  EXPECT_NE(seen.find("event: status\ndata: {"), std::string::npos);
  EXPECT_EQ(page_->streams(), 1U);

  set_app("web", "main@sha1:2");
  page_->changed();
  ASSERT_TRUE(read_until(connection, seen, "main@sha1:2"));

  // Unchanged data after changed(): nothing new is sent (the publisher compares).
  const std::size_t before = seen.size();
  page_->changed();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  set_app("web", "main@sha1:3");
  page_->changed();
  ASSERT_TRUE(read_until(connection, seen, "main@sha1:3"));
  const std::string tail = seen.substr(before);
  EXPECT_EQ(tail.find("main@sha1:2"), std::string::npos) << tail;
}

TEST_F(StatusPageTest, KeepAlivesFlowOnAQuietStream) {
  StatusPage::Options options = fast();
  options.keepalive = std::chrono::milliseconds(30);
  start(4, options);
  RawConnection connection(server_->port());
  ASSERT_TRUE(connection.send(stream_request()));
  std::string seen;
  ASSERT_TRUE(read_until(connection, seen, ": keep-alive\n\n"));
}

TEST_F(StatusPageTest, StreamsPastTheBoundAreRefusedAndAClosedOneFreesItsSlot) {
  start(/*max_streams=*/1);
  std::string seen;
  {
    RawConnection first(server_->port());
    ASSERT_TRUE(first.send(stream_request()));
    ASSERT_TRUE(read_until(first, seen, "event: status"));
    const auto second = testing::round_trip(
        server_->port(), "GET /api/v1/events HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(second.status, 503);
  }
  // The first client is gone: the server notices on its next write (a change or keep-alive).
  int revision = 0;
  ASSERT_TRUE(eventually([&] {
    set_app("web", "rev" + std::to_string(++revision));
    page_->changed();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    return page_->streams() == 0;
  }));
  RawConnection third(server_->port());
  ASSERT_TRUE(third.send(stream_request()));
  std::string again;
  EXPECT_TRUE(read_until(third, again, "event: status"));
}

TEST_F(StatusPageTest, HeadOpensNoStream) {
  start();
  const auto head = testing::round_trip(
      server_->port(), "HEAD /api/v1/events HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(page_->streams(), 0U);
}

TEST_F(StatusPageTest, StopEndsOpenStreamsWithTheLastChunk) {
  start();
  RawConnection connection(server_->port());
  ASSERT_TRUE(connection.send(stream_request()));
  std::string seen;
  ASSERT_TRUE(read_until(connection, seen, "event: status"));
  page_->stop();
  seen += connection.receive_all();  // returns once the server closes
  EXPECT_TRUE(seen.ends_with("0\r\n\r\n")) << seen.substr(seen.size() > 40 ? seen.size() - 40 : 0);
}

TEST_F(StatusPageTest, ServerStopCutsAStreamOff) {
  start();
  RawConnection connection(server_->port());
  ASSERT_TRUE(connection.send(stream_request()));
  std::string seen;
  ASSERT_TRUE(read_until(connection, seen, "event: status"));
  server_->stop();  // returns only once every connection, the stream's too, is closed
  connection.receive_all();
  EXPECT_EQ(page_->streams(), 0U);
}

TEST(ResponseStream, BuffersUpToItsBoundThenEnds) {
  ResponseStream stream(10);
  int wakes = 0;
  stream.attach([&wakes] { ++wakes; });
  EXPECT_TRUE(stream.send("12345"));
  EXPECT_TRUE(stream.send("67890"));
  EXPECT_EQ(wakes, 2);
  auto taken = stream.take();
  EXPECT_EQ(taken.data, "1234567890");
  EXPECT_FALSE(taken.ended);
  EXPECT_TRUE(stream.send("abcdefghij"));
  EXPECT_FALSE(stream.send("k"));  // past the bound: ended, the buffer dropped
  EXPECT_FALSE(stream.open());
  taken = stream.take();
  EXPECT_TRUE(taken.ended);
  EXPECT_EQ(taken.data, "");
}

TEST(ResponseStream, CloseKeepsQueuedDataAndDetachDropsIt) {
  ResponseStream stream;
  EXPECT_TRUE(stream.send("last words"));
  stream.close();
  EXPECT_FALSE(stream.send("more"));
  auto taken = stream.take();
  EXPECT_EQ(taken.data, "last words");
  EXPECT_TRUE(taken.ended);

  ResponseStream other;
  int wakes = 0;
  other.attach([&wakes] { ++wakes; });
  EXPECT_TRUE(other.send("x"));
  other.detach();
  EXPECT_FALSE(other.send("y"));
  EXPECT_EQ(wakes, 1);  // the wake is forgotten
  EXPECT_EQ(other.take().data, "");
}

}  // namespace
}  // namespace sluice::server
