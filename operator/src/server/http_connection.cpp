#include "server/http_connection.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <type_traits>

#include "core/error.h"

namespace sluice::server::detail {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// How long linger() waits for the client to stop sending before closing anyway.
constexpr std::chrono::milliseconds kLingerTime{2000};

// RFC 9110 token characters, for header names a handler sets.
bool is_token(std::string_view text) {
  if (text.empty()) return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
  });
}

HttpResponse plain(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

// The Beast message for `response`. Throws std::invalid_argument for what HTTP cannot carry
// (a status outside 200-599, a header that would split the response, a framing header the
// server owns): a handler's bug, answered as 500 by the caller.
template <class Body>
std::shared_ptr<http::response<Body>> build(const HttpResponse& response, unsigned version,
                                            bool keep_alive) {
  if (response.status < 200 || response.status > 599) {
    throw std::invalid_argument("HTTP status out of range");
  }
  auto message = std::make_shared<http::response<Body>>();
  message->version(version);
  message->result(static_cast<unsigned>(response.status));
  if (!response.content_type.empty()) {
    message->set(http::field::content_type, response.content_type);
  }
  for (const auto& [name, value] : response.headers) {
    if (!is_token(name) || value.find_first_of("\r\n", 0) != std::string::npos ||
        value.find('\0') != std::string::npos || beast::iequals(name, "Content-Length") ||
        beast::iequals(name, "Transfer-Encoding") || beast::iequals(name, "Connection")) {
      throw std::invalid_argument("bad response header");
    }
    message->insert(name, value);
  }
  message->keep_alive(keep_alive);
  const bool bodiless = response.status == 204 || response.status == 304;
  if constexpr (std::is_same_v<Body, http::string_body>) {
    if (!bodiless) message->body() = response.body;
    message->prepare_payload();
  } else if (!bodiless) {
    message->content_length(response.body.size());  // HEAD: the length GET would send
  }
  return message;
}

}  // namespace

std::string format_endpoint(const tcp::endpoint& endpoint) {
  const auto address = endpoint.address().to_string();
  return (endpoint.address().is_v6() ? "[" + address + "]" : address) + ":" +
         std::to_string(endpoint.port());
}

Connection::Connection(ConnectionOwner& owner, tcp::socket socket)
    : owner_(owner), stream_(std::move(socket)), wake_timer_(stream_.get_executor()) {
  beast::error_code ec;
  const auto remote = stream_.socket().remote_endpoint(ec);
  if (!ec) remote_ = format_endpoint(remote);
}

Connection::~Connection() {
  if (streaming_) {
    source_->detach();
    owner_.end_stream();
  }
  owner_.forget(this);
}

void Connection::start() {
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read_header(); });
}

void Connection::close_if_idle() {
  net::post(stream_.get_executor(), [self = shared_from_this()] {
    if (!self->busy_ || self->streaming_) self->close();
  });
}

void Connection::read_header() {
  busy_ = false;
  if (owner_.stopping()) {
    close();
    return;
  }
  const auto& limits = owner_.limits();
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(
      std::min<std::size_t>(limits.max_header_bytes, std::numeric_limits<std::uint32_t>::max())));
  parser_->body_limit(limits.max_body_bytes);
  stream_.expires_after(limits.io_timeout);
  http::async_read_header(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
}

void Connection::on_header(beast::error_code ec) {
  // A Content-Length over the limit fails here already, before the body is sent or read.
  if (ec) {
    on_read_error(ec);
    return;
  }
  if (parser_->is_done()) {
    dispatch();
    return;
  }
  const auto& request = parser_->get();
  // HTTP/1.0 clients know no interim answers (RFC 9110, section 10.1.1).
  if (request.version() >= 11 && beast::iequals(request[http::field::expect], "100-continue")) {
    auto interim = std::make_shared<http::response<http::empty_body>>(http::status::continue_, 11);
    stream_.expires_after(owner_.limits().io_timeout);
    http::async_write(
        stream_, *interim,
        [self = shared_from_this(), interim](beast::error_code write_error, std::size_t) {
          if (write_error) {
            self->close();
          } else {
            self->read_body();
          }
        });
    return;
  }
  read_body();
}

void Connection::read_body() {
  stream_.expires_after(owner_.limits().io_timeout);
  http::async_read(stream_, buffer_, *parser_,
                   [self = shared_from_this()](beast::error_code ec, std::size_t) {
                     if (ec) {
                       self->on_read_error(ec);
                     } else {
                       self->dispatch();
                     }
                   });
}

void Connection::on_read_error(beast::error_code ec) {
  const auto& http_category = http::make_error_code(http::error::bad_target).category();
  if (ec == http::error::body_limit) {
    write(plain(413, "413 request body too large\n"), 11, false, false, true);
  } else if (ec == http::error::header_limit) {
    write(plain(431, "431 request header fields too large\n"), 11, false, false, true);
  } else if (ec.category() == http_category && ec != http::error::end_of_stream &&
             ec != http::error::partial_message) {
    write(plain(400, "400 bad request\n"), 11, false, false, true);
  } else {
    close();  // the client went away, timed out, or we are stopping
  }
}

void Connection::dispatch() {
  busy_ = true;
  auto message = parser_->release();
  HttpRequest request;
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  request.remote_address = remote_;
  for (const auto& field : message) {
    request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  request.body = std::move(message.body());
  const auto question = request.target.find('?');
  request.path = request.target.substr(0, question);
  bool bad = !request.path.starts_with('/');  // only origin-form targets ("/path?query")
  if (!bad && question != std::string::npos) {
    try {
      request.query = parse_query(std::string_view(request.target).substr(question + 1));
    } catch (const Error&) {
      bad = true;
    }
  }
  auto response = bad ? plain(400, "400 bad request\n") : owner_.serve(request);
  if (response.stream) {
    if (request.method != "HEAD" && !owner_.stopping() && owner_.begin_stream()) {
      start_stream(std::move(response), message.version());
      return;
    }
    response.stream->close();
    response.stream.reset();
    if (request.method != "HEAD") {
      response = plain(503, owner_.stopping() ? "503 stopping\n" : "503 too many streams\n");
    }
  }
  write(response, message.version(), message.keep_alive() && !owner_.stopping(),
        request.method == "HEAD", false);
}

void Connection::write(const HttpResponse& response, unsigned version, bool keep_alive,
                       bool head_only, bool linger) {
  busy_ = true;
  try {
    if (head_only) {
      send(build<http::empty_body>(response, version, keep_alive), !keep_alive, linger);
    } else {
      send(build<http::string_body>(response, version, keep_alive), !keep_alive, linger);
    }
  } catch (const std::exception&) {
    send(build<http::string_body>(plain(500, "500 internal server error\n"), version, keep_alive),
         !keep_alive, linger);
  }
}

template <class Message>
void Connection::send(std::shared_ptr<Message> message, bool close_after, bool linger) {
  stream_.expires_after(owner_.limits().io_timeout);
  auto& ref = *message;
  http::async_write(
      stream_, ref,
      [self = shared_from_this(), message = std::move(message), close_after, linger](
          beast::error_code ec, std::size_t) { self->on_write(ec, close_after, linger); });
}

void Connection::on_write(beast::error_code ec, bool close_after, bool linger) {
  if (!ec && linger) {
    this->linger();
  } else if (ec || close_after) {
    close();
  } else {
    read_header();
  }
}

void Connection::start_stream(HttpResponse response, unsigned version) {
  busy_ = true;
  streaming_ = true;
  chunked_ = version >= 11;
  source_ = std::move(response.stream);
  std::shared_ptr<http::response<http::empty_body>> head;
  try {
    head = build<http::empty_body>(response, version, false);
  } catch (const std::exception&) {
    source_->close();
    write(plain(500, "500 internal server error\n"), version, false, false, false);
    return;
  }
  head->erase(http::field::content_length);
  if (chunked_) head->chunked(true);
  // The stream's producer wakes the connection through its strand; a weak reference, since
  // the stream outlives the connection in the producer's list until its next send().
  source_->attach([weak = weak_from_this(), executor = stream_.get_executor()] {
    net::post(executor, [weak] {
      if (auto self = weak.lock()) self->wake_timer_.cancel();
    });
  });
  auto serializer = std::make_shared<http::response_serializer<http::empty_body>>(*head);
  stream_.expires_after(owner_.limits().io_timeout);
  http::async_write_header(
      stream_, *serializer,
      [self = shared_from_this(), head, serializer](beast::error_code ec, std::size_t) {
        if (ec) {
          self->close();
        } else {
          self->pump();
        }
      });
}

void Connection::pump() {
  if (!streaming_) return;  // closed meanwhile
  auto taken = source_->take();
  if (taken.data.empty()) {
    if (taken.ended) {
      finish_stream();
      return;
    }
    // Nothing to write: no deadline while waiting for the producer (it sends keep-alives).
    stream_.expires_never();
    wake_timer_.expires_at(net::steady_timer::time_point::max());
    wake_timer_.async_wait([self = shared_from_this()](beast::error_code) { self->pump(); });
    return;
  }
  out_ = std::move(taken.data);
  auto done = [self = shared_from_this(), ended = taken.ended](beast::error_code ec, std::size_t) {
    if (ec) {
      self->close();
    } else if (ended) {
      self->finish_stream();
    } else {
      self->pump();
    }
  };
  stream_.expires_after(owner_.limits().io_timeout);
  if (chunked_) {
    net::async_write(stream_, http::make_chunk(net::buffer(out_)), std::move(done));
  } else {
    net::async_write(stream_, net::buffer(out_), std::move(done));
  }
}

void Connection::finish_stream() {
  if (!chunked_) {
    close();
    return;
  }
  stream_.expires_after(owner_.limits().io_timeout);
  net::async_write(stream_, http::make_chunk_last(),
                   [self = shared_from_this()](beast::error_code, std::size_t) { self->close(); });
}

void Connection::linger() {
  busy_ = false;  // nothing in flight any more: stop() may cut this short
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream_.expires_after(std::min(owner_.limits().io_timeout, kLingerTime));
  drain();
}

void Connection::drain() {
  stream_.async_read_some(net::buffer(scratch_),
                          [self = shared_from_this()](beast::error_code ec, std::size_t) {
                            if (ec) {
                              self->close();  // end of input, timeout, or stop()
                            } else {
                              self->drain();
                            }
                          });
}

void Connection::close() {
  if (streaming_) {
    streaming_ = false;
    source_->detach();
    owner_.end_stream();
    wake_timer_.cancel();
  }
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream_.close();
}

}  // namespace sluice::server::detail
