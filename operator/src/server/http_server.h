#pragma once

// HttpServer: the HTTP/1.1 server behind the operator's own endpoints (/metrics, /healthz,
// /readyz, the webhook receiver, the status page). Handlers are registered per method
// and exact path or path prefix; the server answers 404 for an unknown path, 405 (with Allow)
// for a known path and another method, 413 for a body over Options::max_body_bytes, 431 for
// oversized headers and 400 for a malformed request. A GET handler also serves HEAD. Keep-alive and
// `Expect: 100-continue` are honoured (a body too large is refused before it is sent).
//
// Threads: the server runs its own Options::threads plain threads, and handlers run on them,
// not on the fiber pool. A handler must therefore be quick and must not wait for fibers or
// other slow work: read an atomic, a snapshot, a registry; hand longer work to a channel.
//
// Why Boost.Beast (Boost 1.74, Debian's) and not cpprestsdk's http_listener, which DESIGN.md
// names for HTTP: the listener takes a URI and offers no way to learn the port it bound, so
// port 0 cannot be used and tests could not bind without racing for a free port; it has no
// limit on the request body it buffers (a webhook receiver needs one, with 413); and it shares
// cpprestsdk's process-wide thread pool with the API clients instead of having threads of its
// own that stop() can join. Beast gives all of these in a few hundred lines.
//
// Streaming: a handler may answer with a ResponseStream (server/response_stream.h) that it
// keeps writing into after it returned, for server-sent events.
//
// Stopping: stop() stops accepting, closes idle keep-alive connections, streaming responses and
// connections still reading a request, lets every handler already running finish and its response
// be written (with `Connection: close`), and returns once every connection is closed and the
// threads are joined. A handler that never returns therefore keeps stop() waiting; I/O is bounded
// by Options::io_timeout, so a slow client cannot.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "server/http_message.h"

namespace sluice::server {

class HttpServer {
 public:
  struct Options {
    // "host:port": an IP address ("127.0.0.1", "::1" in brackets: "[::1]:8080"), a host name
    // resolved once at start(), or nothing for every IPv4 interface (":8080"). Port 0 picks a
    // free port; port() tells which.
    std::string address = "127.0.0.1:0";
    std::size_t threads = 2;
    // Request bodies above this are refused with 413.
    std::size_t max_body_bytes = std::size_t{1024} * 1024;
    // Request line and headers together above this are refused with 431.
    std::size_t max_header_bytes = std::size_t{16} * 1024;
    // Longest wait for a request's headers (a keep-alive connection's idle time included), for
    // its body, and for writing a response; then the connection is closed.
    std::chrono::milliseconds io_timeout = std::chrono::seconds(30);
    // Connections open at once; a connection accepted past this is closed straight away.
    std::size_t max_connections = 256;
    // Streaming responses (HttpResponse::stream) open at once; a request for another is
    // answered 503. Each also counts as a connection.
    std::size_t max_streams = 32;
  };

  explicit HttpServer(Options options);
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;
  // stop().
  ~HttpServer();

  // Registers `handler` for `method` (e.g. "GET", "POST") on exactly `path` (e.g. "/readyz",
  // no query; compared byte for byte with the request's, not decoded). Only before start():
  // Error(kFailedPrecondition) after it. A path must start with '/' (kInvalidArgument); the
  // same method and path twice is Error(kAlreadyExists).
  void handle(const std::string& method, const std::string& path, HttpHandler handler);

  // Registers `handler` for `method` on every path that starts with `prefix`, which must start
  // and end with '/' (kInvalidArgument): "/hook/" serves "/hook/" and "/hook/abc/d", not
  // "/hook". An exact route (handle()) wins over a prefix, and the longest matching prefix
  // wins over shorter ones; the methods of the winning route alone decide 405. Otherwise as
  // handle(): before start() only, the same method and prefix twice is kAlreadyExists.
  void handle_prefix(const std::string& method, const std::string& prefix, HttpHandler handler);

  // Binds, listens and starts the threads; port() is valid when it returns. Throws
  // Error(kInvalidArgument) for an address that does not parse or resolve, Error(kUnavailable)
  // when it cannot be bound (in use, not local, not permitted), Error(kFailedPrecondition) when
  // called twice. A server does not start again after stop().
  void start();

  // See "Stopping" above. Idempotent and safe from several threads; must not be called from a
  // handler (it would wait for itself).
  void stop();

  // The port bound by start() (the real one when Options::address asked for 0); 0 before.
  std::uint16_t port() const noexcept;
  // "127.0.0.1:41234" or "[::1]:41234" once started; "" before.
  std::string local_address() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

using HttpServerPtr = std::shared_ptr<HttpServer>;

}  // namespace sluice::server
