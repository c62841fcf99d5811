#pragma once

// What an HttpServer handler receives and fills in (see http_server.h). Plain values without
// any HTTP library's types, so handlers (health, metrics, webhooks, the status page) and their
// tests need nothing but this header.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::server {

class ResponseStream;  // server/response_stream.h

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;  // as sent, e.g. "GET" (methods are case-sensitive)
  std::string target;  // as sent: path and query, e.g. "/readyz?verbose"
  std::string path;    // target up to '?', not percent-decoded, e.g. "/readyz"
  // Query parameters in order, percent-decoded ('+' is a space); `?verbose` is {"verbose", ""}.
  std::vector<std::pair<std::string, std::string>> query;
  HeaderList headers;          // as sent, in order
  std::string body;            // at most HttpServer::Options::max_body_bytes
  std::string remote_address;  // the peer, "127.0.0.1:54321" or "[::1]:54321"

  // Whether the query names `name` (with or without a value).
  bool has_query(std::string_view name) const;
  // The first value of query parameter `name`, or nullopt.
  std::optional<std::string> query_value(std::string_view name) const;
  // Every value of query parameter `name`, in order (`?exclude=a&exclude=b`).
  std::vector<std::string> query_values(std::string_view name) const;
  // The value of header `name` (compared case-insensitively); repeated headers joined with
  // ", " as RFC 9110 allows; nullopt when absent.
  std::optional<std::string> header(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  // Further headers. Content-Length, Transfer-Encoding and Connection are the server's to
  // set; a handler setting them, a header with a line break, or a status outside 200-599 is
  // answered as 500.
  HeaderList headers;
  std::string body;
  // A streaming answer (server-sent events): when set, `body` is ignored and the server sends
  // the status and headers, then what is written into the stream until it ends (see
  // response_stream.h); the connection is not reused afterwards. A HEAD request, or a stream
  // past HttpServer::Options::max_streams (503), closes the stream unsent.
  std::shared_ptr<ResponseStream> stream;
};

// Runs on one of the server's threads (see HttpServer), so it must be quick and must not block
// waiting on other work. A thrown sluice::Error answers with a status from its code (400
// kInvalidArgument, 401 kUnauthenticated, 403 kPermissionDenied, 404 kNotFound, 413
// kResourceExhausted, 503 kUnavailable) and its message as the body; anything else thrown, or
// another code, is 500 with a fixed body.
using HttpHandler = std::function<void(const HttpRequest& request, HttpResponse& response)>;

// Splits `query` (the part of a target after '?') into decoded name/value pairs. Throws
// Error(kInvalidArgument) for a bad percent escape.
std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query);

}  // namespace sluice::server
