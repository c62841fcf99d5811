#pragma once

// One accepted connection of an HttpServer (internal to http_server.cpp; see http_server.h for
// the behaviour it implements). It reads a request with Beast's parser under the size limits,
// has its owner serve it, writes the answer, and repeats while the client keeps the connection
// alive. Everything a connection does runs on its own strand, so it needs no lock; close_if_idle()
// is the one entry from outside and posts onto that strand.

#include <array>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "server/asio.h"
#include "server/http_message.h"
#include "server/response_stream.h"

namespace sluice::server::detail {

struct ConnectionLimits {
  std::size_t max_body_bytes = 0;
  std::size_t max_header_bytes = 0;
  std::chrono::milliseconds io_timeout{0};
};

class Connection;

// "127.0.0.1:8080", "[::1]:8080".
std::string format_endpoint(const boost::asio::ip::tcp::endpoint& endpoint);

// What a connection needs of its server; the server outlives its connections (stop() joins the
// threads only after every connection has ended).
class ConnectionOwner {
 public:
  virtual ~ConnectionOwner() = default;
  virtual const ConnectionLimits& limits() const noexcept = 0;
  // Once true, no further request is read: idle connections close, busy ones after answering.
  virtual bool stopping() const noexcept = 0;
  // Routes the request to its handler and returns what to answer (never throws).
  virtual HttpResponse serve(const HttpRequest& request) const = 0;
  // Called as a connection is destroyed.
  virtual void forget(const Connection* connection) noexcept = 0;
  // Takes one of the streaming slots (false when all are taken); end_stream() gives it back.
  virtual bool begin_stream() noexcept = 0;
  virtual void end_stream() noexcept = 0;
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(ConnectionOwner& owner, boost::asio::ip::tcp::socket socket);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // Begins reading the first request.
  void start();

  // Closes the connection unless a request is being served or answered (then it closes after
  // the answer, since the owner is stopping); a streaming answer is cut off. Callable from any
  // thread.
  void close_if_idle();

 private:
  void read_header();
  void on_header(boost::beast::error_code ec);
  void read_body();
  void on_read_error(boost::beast::error_code ec);
  void dispatch();
  // Answers `response`; `linger` when the request was not read to its end (an error answer).
  void write(const HttpResponse& response, unsigned version, bool keep_alive, bool head_only,
             bool linger);
  template <class Message>
  void send(std::shared_ptr<Message> message, bool close_after, bool linger);
  void on_write(boost::beast::error_code ec, bool close_after, bool linger);
  // A streaming answer: writes the head, then pump()s what the stream queues, waiting on
  // wake_timer_ (cancelled by the stream's wake) while it has nothing; finish_stream() ends it.
  void start_stream(HttpResponse response, unsigned version);
  void pump();
  void finish_stream();
  // Stops sending and reads what the client still sends for a short while before closing:
  // closing with unread input makes the kernel reset the connection, and the client could lose
  // the error answer (e.g. a 413 while it is still sending the body).
  void linger();
  void drain();
  void close();

  ConnectionOwner& owner_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  std::string remote_;
  // A request is being served or its answer written: stop() lets it finish.
  bool busy_ = false;
  // Serving HttpResponse::stream: source_ is set and holds a streaming slot of the owner.
  bool streaming_ = false;
  bool chunked_ = false;  // HTTP/1.1: chunked; HTTP/1.0: ends with the connection
  ResponseStreamPtr source_;
  std::string out_;  // the data being written
  boost::asio::steady_timer wake_timer_;
  std::array<char, 4096> scratch_{};  // what linger() reads and throws away
};

}  // namespace sluice::server::detail
