#include "server/http_server.h"

#include <atomic>
#include <filesystem>
#include <future>
#include <stdexcept>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "core/error.h"
#include "http_test_client.h"
#include "test_helpers.h"

namespace sluice::server {
namespace {

using testing::get;
using testing::RawConnection;
using testing::round_trip;

HttpServer::Options small_limits() {
  HttpServer::Options options;
  options.address = "127.0.0.1:0";
  options.max_body_bytes = 1000;
  options.max_header_bytes = 2048;
  return options;
}

// Echoes what the handler was given, one field per line.
void echo(const HttpRequest& request, HttpResponse& response) {
  response.body =
      "method=" + request.method + "\npath=" + request.path + "\ntarget=" + request.target + "\n";
  for (const auto& [name, value] : request.query)
    response.body += "query " + name + "=" + value + "\n";
  response.body += "x-test=" + request.header("x-test").value_or("-") + "\n";
  response.body += "body=" + request.body + "\n";
  response.body += "remote=" + request.remote_address.substr(0, 10) + "\n";
  response.headers.emplace_back("X-Echo", "yes");
}

std::size_t thread_count() {
  std::size_t count = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/task"))
    ++count;
  return count;
}

TEST(HttpServer, BindsAFreePortAndGivesHandlersTheRequest) {
  HttpServer server(small_limits());
  server.handle("GET", "/echo", echo);
  server.handle("POST", "/echo", echo);
  EXPECT_EQ(server.port(), 0);
  server.start();
  ASSERT_NE(server.port(), 0);
  EXPECT_EQ(server.local_address(), "127.0.0.1:" + std::to_string(server.port()));

  auto response = get(server.port(), "/echo?verbose&name=a%20b&name=c+d");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.headers["content-type"], "text/plain; charset=utf-8");
  EXPECT_EQ(response.headers["x-echo"], "yes");
  EXPECT_EQ(response.body,
            "method=GET\npath=/echo\ntarget=/echo?verbose&name=a%20b&name=c+d\n"
            "query verbose=\nquery name=a b\nquery name=c d\nx-test=-\nbody=\n"
            "remote=127.0.0.1:\n");

  response = round_trip(server.port(),
                        "POST /echo HTTP/1.1\r\nHost: t\r\nX-Test: one\r\nContent-Length: 5\r\n"
                        "Connection: close\r\n\r\nhello");
  EXPECT_EQ(response.status, 200);
  EXPECT_NE(response.body.find("method=POST\n"), std::string::npos) << response.body;
  EXPECT_NE(response.body.find("x-test=one\nbody=hello\n"), std::string::npos) << response.body;
}

TEST(HttpServer, UnknownPathsAndMethods) {
  HttpServer server(small_limits());
  server.handle("GET", "/a", echo);
  server.handle("PUT", "/a", echo);
  server.start();

  EXPECT_EQ(get(server.port(), "/b").status, 404);
  EXPECT_EQ(get(server.port(), "/a/").status, 404);  // exact paths
  auto response =
      round_trip(server.port(), "DELETE /a HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(response.headers["allow"], "GET, HEAD, PUT");

  // HEAD is served by the GET handler, without the body but with its length.
  RawConnection connection(server.port());
  ASSERT_TRUE(connection.send("HEAD /a HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"));
  const auto text = connection.receive_all();
  EXPECT_TRUE(text.starts_with("HTTP/1.1 200 OK\r\n")) << text;
  EXPECT_TRUE(text.ends_with("\r\n\r\n")) << text;
  EXPECT_NE(text.find("Content-Length: 63\r\n"), std::string::npos) << text;
}

TEST(HttpServer, PrefixRoutes) {
  HttpServer server(small_limits());
  server.handle_prefix("POST", "/hook/", echo);
  server.handle_prefix("GET", "/hook/deep/", echo);
  server.handle("GET", "/hook/exact", echo);
  server.start();
  const auto post = [&](const std::string& target) {
    return round_trip(server.port(), "POST " + target +
                                         " HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n"
                                         "Connection: close\r\n\r\nhi");
  };

  auto response = post("/hook/abc?x=1");
  EXPECT_EQ(response.status, 200);
  EXPECT_NE(response.body.find("path=/hook/abc\n"), std::string::npos) << response.body;
  EXPECT_NE(response.body.find("body=hi\n"), std::string::npos) << response.body;
  EXPECT_EQ(post("/hook/").status, 200);
  EXPECT_EQ(post("/hook/a/b/c").status, 200);
  EXPECT_EQ(post("/hook").status, 404);  // the prefix ends with '/'
  EXPECT_EQ(post("/hooks/a").status, 404);
  EXPECT_EQ(post("/other").status, 404);

  // The longest prefix decides alone: /hook/deep/ has GET only.
  EXPECT_EQ(get(server.port(), "/hook/deep/x").status, 200);
  response = post("/hook/deep/x");
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(response.headers["allow"], "GET, HEAD");
  // An exact route wins over any prefix.
  EXPECT_EQ(get(server.port(), "/hook/exact").status, 200);
  EXPECT_EQ(post("/hook/exact").status, 405);
  EXPECT_EQ(get(server.port(), "/hook/abc").status, 405);
}

TEST(HttpServer, PrefixRouteRules) {
  using sluice::testing::error_of;
  HttpServer server(small_limits());
  EXPECT_EQ(error_of([&] { server.handle_prefix("POST", "/hook", echo); }).code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(error_of([&] { server.handle_prefix("POST", "hook/", echo); }).code(),
            ErrorCode::kInvalidArgument);
  server.handle_prefix("POST", "/hook/", echo);
  EXPECT_EQ(error_of([&] { server.handle_prefix("POST", "/hook/", echo); }).code(),
            ErrorCode::kAlreadyExists);
  server.handle("POST", "/hook/", echo);  // an exact route of the same text is another route
  server.start();
  EXPECT_EQ(error_of([&] { server.handle_prefix("GET", "/late/", echo); }).code(),
            ErrorCode::kFailedPrecondition);
}

TEST(HttpServer, BodiesOverTheLimitAre413) {
  HttpServer server(small_limits());
  server.handle("POST", "/hook", echo);
  server.start();
  const std::string at_limit(1000, 'x');
  auto response = round_trip(server.port(),
                             "POST /hook HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
                             "Content-Length: 1000\r\n\r\n" +
                                 at_limit);
  EXPECT_EQ(response.status, 200);
  EXPECT_NE(response.body.find("body=" + at_limit + "\n"), std::string::npos);

  // Declared too long: refused from the headers; the body sent anyway does not reset the answer.
  response =
      round_trip(server.port(), "POST /hook HTTP/1.1\r\nHost: t\r\nContent-Length: 1001\r\n\r\n" +
                                    std::string(1001, 'x'));
  EXPECT_EQ(response.status, 413);
  EXPECT_EQ(response.headers["connection"], "close");

  // Chunked: refused when the chunks pass the limit.
  response = round_trip(server.port(),
                        "POST /hook HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                        "3e8\r\n" +
                            std::string(1000, 'x') + "\r\n1\r\ny\r\n0\r\n\r\n");
  EXPECT_EQ(response.status, 413);
}

TEST(HttpServer, ExpectContinue) {
  HttpServer server(small_limits());
  server.handle("POST", "/hook", echo);
  server.start();
  {
    RawConnection connection(server.port());
    ASSERT_TRUE(
        connection.send("POST /hook HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\n"
                        "Content-Length: 3\r\nConnection: close\r\n\r\n"));
    EXPECT_EQ(connection.receive_some(), "HTTP/1.1 100 Continue\r\n\r\n");
    ASSERT_TRUE(connection.send("abc"));
    auto text = connection.receive_all();
    const auto response = testing::take_response(text);
    EXPECT_EQ(response.status, 200);
    EXPECT_NE(response.body.find("body=abc\n"), std::string::npos);
  }
  // HTTP/1.0 knows no interim answers: the final one comes alone.
  auto old = round_trip(
      server.port(), "POST /hook HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nxyz");
  EXPECT_EQ(old.status, 200);
  EXPECT_NE(old.body.find("body=xyz\n"), std::string::npos) << old.body;
  // Too large: 413 at once, without waiting for a body the client has not sent.
  RawConnection connection(server.port());
  ASSERT_TRUE(
      connection.send("POST /hook HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\n"
                      "Content-Length: 5000\r\n\r\n"));
  auto text = connection.receive_all();
  EXPECT_EQ(testing::take_response(text).status, 413);
}

TEST(HttpServer, MalformedRequests) {
  HttpServer server(small_limits());
  server.handle("GET", "/a", echo);
  server.start();
  EXPECT_EQ(round_trip(server.port(), "GET /a HTTP/1.1\r\nHost: t\r\nBad Header\r\n\r\n").status,
            400);
  EXPECT_EQ(round_trip(server.port(), "NOT-HTTP\r\n\r\n").status, 400);
  EXPECT_EQ(get(server.port(), "/a?x=%zz").status, 400);
  EXPECT_EQ(
      round_trip(server.port(), "GET http://t/a HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
          .status,
      400);
  const std::string big(3000, 'h');
  EXPECT_EQ(
      round_trip(server.port(), "GET /a HTTP/1.1\r\nHost: t\r\nX-Big: " + big + "\r\n\r\n").status,
      431);
  EXPECT_EQ(get(server.port(), "/a").status, 200);  // still serving
}

TEST(HttpServer, HandlerFailuresBecomeStatuses) {
  HttpServer server(small_limits());
  server.handle("GET", "/missing", [](const HttpRequest&, HttpResponse&) {
    throw not_found("no application shop/web");
  });
  server.handle("GET", "/bug", [](const HttpRequest&, HttpResponse&) {
    throw std::runtime_error("secret detail");
  });
  server.handle("GET", "/bad-status",
                [](const HttpRequest&, HttpResponse& response) { response.status = 99; });
  server.handle("GET", "/split", [](const HttpRequest&, HttpResponse& response) {
    response.headers.emplace_back("X-Evil", "a\r\nSet-Cookie: x=y");
  });
  server.handle("GET", "/teapot", [](const HttpRequest&, HttpResponse& response) {
    response.status = 418;
    response.content_type = "application/json";
    response.body = "{}";
  });
  server.start();
  auto response = get(server.port(), "/missing");
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.body, "no application shop/web\n");
  response = get(server.port(), "/bug");
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(response.body.find("secret"), std::string::npos);
  EXPECT_EQ(get(server.port(), "/bad-status").status, 500);
  response = get(server.port(), "/split");
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(response.headers.count("set-cookie"), 0u);
  response = get(server.port(), "/teapot");
  EXPECT_EQ(response.status, 418);
  EXPECT_EQ(response.headers["content-type"], "application/json");
  EXPECT_EQ(response.body, "{}");
}

TEST(HttpServer, KeepAliveServesPipelinedRequestsInOrder) {
  HttpServer server(small_limits());
  server.handle("GET", "/echo", echo);
  server.start();
  RawConnection connection(server.port());
  ASSERT_TRUE(
      connection.send("GET /echo?n=1 HTTP/1.1\r\nHost: t\r\n\r\n"
                      "GET /echo?n=2 HTTP/1.1\r\nHost: t\r\n\r\n"
                      "GET /echo?n=3 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"));
  auto text = connection.receive_all();
  for (const char* n : {"1", "2", "3"}) {
    const auto response = testing::take_response(text);
    EXPECT_EQ(response.status, 200);
    EXPECT_NE(response.body.find(std::string("query n=") + n + "\n"), std::string::npos) << n;
  }
  EXPECT_EQ(text, "");
}

TEST(HttpServer, ConcurrentRequests) {
  HttpServer server(small_limits());
  server.handle("GET", "/echo", echo);
  server.start();
  constexpr int kClients = 12;
  constexpr int kRequests = 25;
  std::atomic<int> good{0};
  std::vector<std::thread> clients;
  clients.reserve(kClients);
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      for (int r = 0; r < kRequests; ++r) {
        const std::string id = std::to_string(c) + "-" + std::to_string(r);
        const auto response = get(server.port(), "/echo?id=" + id);
        if (response.status == 200 &&
            response.body.find("query id=" + id + "\n") != std::string::npos) {
          ++good;
        }
      }
    });
  }
  for (auto& client : clients) client.join();
  EXPECT_EQ(good.load(), kClients * kRequests);
}

TEST(HttpServer, StopWaitsForTheRequestInFlight) {
  const auto threads_before = thread_count();
  auto server = std::make_unique<HttpServer>(small_limits());
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> handler_done{false};
  server->handle("GET", "/slow", [&](const HttpRequest&, HttpResponse& response) {
    entered.set_value();
    released.wait();
    response.body = "finished";
    handler_done = true;
  });
  server->start();
  const auto port = server->port();

  auto client = std::async(std::launch::async, [port] { return get(port, "/slow"); });
  entered.get_future().wait();
  // An idle keep-alive connection must not hold stop() up.
  RawConnection idle(port);
  ASSERT_TRUE(idle.send("GET /nothing HTTP/1.1\r\nHost: t\r\n\r\n"));
  EXPECT_EQ(testing::receive_response(idle).status, 404);

  std::atomic<bool> done_when_stopped{false};
  std::thread stopper([&] {
    server->stop();
    done_when_stopped = handler_done.load();
  });
  // stop() has begun once the port refuses connections; only then let the handler finish.
  ASSERT_TRUE(testing::eventually([&] { return !RawConnection(port).connected(); }));
  EXPECT_EQ(idle.receive_some(), "");  // closed by stop()
  release.set_value();
  stopper.join();
  EXPECT_TRUE(done_when_stopped.load());
  const auto response = client.get();
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "finished");
  server.reset();
  // The client's std::async thread may take a moment to exit after its result is ready.
  EXPECT_TRUE(testing::eventually([&] { return thread_count() == threads_before; }));
}

TEST(HttpServer, ConnectionsPastTheLimitAreClosed) {
  auto options = small_limits();
  options.max_connections = 1;
  HttpServer server(options);
  server.handle("GET", "/a", echo);
  server.start();
  RawConnection first(server.port());
  ASSERT_TRUE(first.send("GET /a HTTP/1.1\r\nHost: t\r\n\r\n"));
  EXPECT_EQ(testing::receive_response(first).status, 200);  // accepted and being kept
  RawConnection second(server.port());
  second.send("GET /a HTTP/1.1\r\nHost: t\r\n\r\n");
  EXPECT_EQ(second.receive_all(), "");
}

TEST(HttpServer, AddressesAndLifecycle) {
  using sluice::testing::error_of;
  auto start_at = [](const std::string& address) {
    HttpServer::Options options;
    options.address = address;
    HttpServer server(options);
    server.start();
    return server.local_address();
  };
  EXPECT_TRUE(start_at(":0").starts_with("0.0.0.0:"));
  const auto localhost = start_at("localhost:0");
  EXPECT_TRUE(localhost.starts_with("127.0.0.1:") || localhost.starts_with("[::1]:")) << localhost;
  for (const char* bad : {"", "8080", "127.0.0.1", "127.0.0.1:", "127.0.0.1:99999", "127.0.0.1:80a",
                          "::1:80", "[::1:80", "[::1]80"}) {
    EXPECT_EQ(error_of([&] { start_at(bad); }).code(), ErrorCode::kInvalidArgument) << bad;
  }

  HttpServer first(small_limits());
  first.start();
  auto taken = small_limits();
  taken.address = first.local_address();
  HttpServer second(taken);
  EXPECT_EQ(error_of([&] { second.start(); }).code(), ErrorCode::kUnavailable);

  EXPECT_EQ(error_of([&] { first.handle("GET", "/late", echo); }).code(),
            ErrorCode::kFailedPrecondition);
  EXPECT_EQ(error_of([&] { first.start(); }).code(), ErrorCode::kFailedPrecondition);
  first.stop();
  first.stop();  // idempotent

  HttpServer never_started(small_limits());
  never_started.handle("GET", "/a", echo);
  EXPECT_EQ(error_of([&] { never_started.handle("GET", "/a", echo); }).code(),
            ErrorCode::kAlreadyExists);
  EXPECT_EQ(error_of([&] { never_started.handle("GET", "a", echo); }).code(),
            ErrorCode::kInvalidArgument);
  never_started.stop();
  EXPECT_EQ(error_of([&] { never_started.start(); }).code(), ErrorCode::kFailedPrecondition);
}

}  // namespace
}  // namespace sluice::server
