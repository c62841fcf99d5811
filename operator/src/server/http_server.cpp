#include "server/http_server.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "core/error.h"
#include "server/asio.h"
#include "server/http_connection.h"

namespace sluice::server {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

struct HostPort {
  std::string host;
  std::string port;
};

HostPort split_address(const std::string& address) {
  HostPort parts;
  auto colon = std::string::npos;  // the one before the port
  if (address.starts_with('[')) {
    const auto close = address.find(']');
    if (close != std::string::npos && address.substr(close + 1, 1) == ":") {
      parts.host = address.substr(1, close - 1);
      colon = close + 1;
    }
  } else if (const auto last = address.rfind(':'); last != std::string::npos) {
    parts.host = address.substr(0, last);
    // An IPv6 address must be in brackets, or its last group would read as the port.
    if (parts.host.find(':') == std::string::npos) colon = last;
  }
  parts.port = colon == std::string::npos ? std::string() : address.substr(colon + 1);
  const bool digits = !parts.port.empty() && parts.port.size() <= 5 &&
                      std::all_of(parts.port.begin(), parts.port.end(),
                                  [](char c) { return c >= '0' && c <= '9'; });
  if (!digits || std::stoul(parts.port) > 65535) {
    throw invalid_argument("listen address \"" + address +
                           "\" is not host:port (e.g. 127.0.0.1:8080, [::1]:8080, :8080)");
  }
  return parts;
}

}  // namespace

class HttpServer::Impl final : public detail::ConnectionOwner {
 public:
  explicit Impl(Options options)
      : options_(std::move(options)),
        ioc_(static_cast<int>(options_.threads)),
        acceptor_(net::make_strand(ioc_)),
        retry_timer_(acceptor_.get_executor()) {
    if (options_.threads == 0) throw invalid_argument("an HTTP server needs at least one thread");
  }

  void handle(const std::string& method, const std::string& path, HttpHandler handler) {
    add_route(routes_, method, path, std::move(handler));
  }

  void handle_prefix(const std::string& method, const std::string& prefix, HttpHandler handler) {
    if (!prefix.ends_with('/')) {
      throw invalid_argument("HTTP route prefix \"" + prefix + "\" does not end with '/'");
    }
    add_route(prefixes_, method, prefix, std::move(handler));
  }

  void start() {
    std::lock_guard lock(mu_);
    if (state_ != State::kNew) {
      throw Error(ErrorCode::kFailedPrecondition, "HTTP server started twice");
    }
    const auto endpoint = resolve(options_.address);
    boost::system::error_code ec;
    acceptor_.open(endpoint.protocol(), ec);
    // Rebinding the port of a process that just exited must not wait for TIME_WAIT.
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
      boost::system::error_code ignored;
      acceptor_.close(ignored);
      throw Error(ErrorCode::kUnavailable, "listen on " + options_.address + ": " + ec.message());
    }
    const auto bound = acceptor_.local_endpoint();
    port_.store(bound.port());
    local_address_ = detail::format_endpoint(bound);
    state_ = State::kRunning;
    accept();
    threads_.reserve(options_.threads);
    for (std::size_t i = 0; i < options_.threads; ++i) threads_.emplace_back([this] { run(); });
  }

  void stop() {
    std::lock_guard stop_lock(stop_mu_);  // a second caller returns once the first is done
    {
      std::lock_guard lock(mu_);
      const bool running = state_ == State::kRunning;
      state_ = State::kStopped;
      if (!running) return;
    }
    stopping_.store(true);
    net::post(acceptor_.get_executor(), [this] {
      boost::system::error_code ignored;
      acceptor_.close(ignored);
      retry_timer_.cancel();
    });
    std::vector<std::shared_ptr<detail::Connection>> live;
    {
      std::lock_guard lock(mu_);
      for (const auto& [key, weak] : connections_) {
        if (auto connection = weak.lock()) live.push_back(std::move(connection));
      }
    }
    for (const auto& connection : live) connection->close_if_idle();
    live.clear();  // a connection must be free to end while we wait
    // No work guard: the threads' run() returns once the acceptor and every connection are done.
    for (auto& thread : threads_) thread.join();
    threads_.clear();
  }

  std::uint16_t port() const noexcept { return port_.load(); }

  std::string local_address() const {
    std::lock_guard lock(mu_);
    return local_address_;
  }

  // detail::ConnectionOwner
  const detail::ConnectionLimits& limits() const noexcept override { return limits_; }
  bool stopping() const noexcept override { return stopping_.load(); }
  HttpResponse serve(const HttpRequest& request) const override;
  void forget(const detail::Connection* connection) noexcept override {
    std::lock_guard lock(mu_);
    connections_.erase(connection);
  }
  bool begin_stream() noexcept override {
    std::size_t open = streams_.load();
    do {
      if (open >= options_.max_streams) return false;
    } while (!streams_.compare_exchange_weak(open, open + 1));
    return true;
  }
  void end_stream() noexcept override { streams_.fetch_sub(1); }

 private:
  enum class State { kNew, kRunning, kStopped };
  // method -> handler, per path or prefix.
  using Methods = std::map<std::string, HttpHandler>;
  using Routes = std::map<std::string, Methods>;

  void add_route(Routes& routes, const std::string& method, const std::string& path,
                 HttpHandler handler) {
    if (!path.starts_with('/')) {
      throw invalid_argument("HTTP route \"" + path + "\" does not start with '/'");
    }
    if (method.empty() || !handler) {
      throw invalid_argument("HTTP route " + path + ": no method or handler");
    }
    std::lock_guard lock(mu_);
    if (state_ != State::kNew) {
      throw Error(ErrorCode::kFailedPrecondition, "HTTP route " + path + " added after start()");
    }
    if (!routes[path].emplace(method, std::move(handler)).second) {
      throw Error(ErrorCode::kAlreadyExists, "HTTP route " + method + " " + path + " given twice");
    }
  }

  // The exact route of `path`, else its longest matching prefix route; nullptr for none.
  const Methods* find_route(const std::string& path) const {
    if (const auto exact = routes_.find(path); exact != routes_.end()) return &exact->second;
    // Prefixes are few (one per receiver), so a scan is cheaper than anything cleverer.
    const Methods* best = nullptr;
    std::size_t best_size = 0;
    for (const auto& [prefix, methods] : prefixes_) {
      if (prefix.size() > best_size && path.starts_with(prefix)) {
        best = &methods;
        best_size = prefix.size();
      }
    }
    return best;
  }

  tcp::endpoint resolve(const std::string& address) {
    const auto parts = split_address(address);
    const auto port = static_cast<std::uint16_t>(std::stoul(parts.port));
    if (parts.host.empty()) return {tcp::v4(), port};
    boost::system::error_code ec;
    const auto ip = net::ip::make_address(parts.host, ec);
    if (!ec) return {ip, port};
    // A host name, resolved once, here (start() may block that long).
    tcp::resolver resolver(ioc_);
    const auto results = resolver.resolve(parts.host, parts.port, ec);
    if (ec || results.empty()) {
      throw invalid_argument("listen address \"" + address + "\": cannot resolve \"" + parts.host +
                             "\": " + ec.message());
    }
    return results.begin()->endpoint();
  }

  void accept() {
    acceptor_.async_accept(net::make_strand(ioc_),
                           [this](boost::system::error_code ec, tcp::socket socket) {
                             on_accept(ec, std::move(socket));
                           });
  }

  void on_accept(boost::system::error_code ec, tcp::socket socket) {
    if (stopping_.load() || ec == net::error::operation_aborted) return;
    if (ec) {
      // Out of descriptors or similar: retrying at once would spin, so wait a little.
      retry_timer_.expires_after(std::chrono::milliseconds(100));
      retry_timer_.async_wait([this](boost::system::error_code wait_error) {
        if (!wait_error && !stopping_.load()) accept();
      });
      return;
    }
    std::shared_ptr<detail::Connection> connection;
    {
      std::lock_guard lock(mu_);
      if (connections_.size() < options_.max_connections) {
        connection = std::make_shared<detail::Connection>(*this, std::move(socket));
        connections_.emplace(connection.get(), connection);
      }
    }
    // Past max_connections the socket is closed as it goes out of scope.
    if (connection) connection->start();
    accept();
  }

  void run() {
    // Nothing of ours throws out of a completion handler; should anything else, keep serving
    // rather than lose the thread (run() may be called again after it threw).
    for (;;) {
      try {
        ioc_.run();
        return;
      } catch (...) {  // NOLINT(bugprone-empty-catch): see above
      }
    }
  }

  const Options options_;
  const detail::ConnectionLimits limits_{options_.max_body_bytes, options_.max_header_bytes,
                                         options_.io_timeout};
  // Written before start() only, so read without a lock after.
  Routes routes_;    // exact paths
  Routes prefixes_;  // path prefixes
  net::io_context ioc_;
  tcp::acceptor acceptor_;  // on its own strand, like the retry timer
  net::steady_timer retry_timer_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint16_t> port_{0};
  std::atomic<std::size_t> streams_{0};

  std::mutex stop_mu_;
  mutable std::mutex mu_;  // guards what follows
  State state_ = State::kNew;
  std::string local_address_;
  std::map<const detail::Connection*, std::weak_ptr<detail::Connection>> connections_;
};

namespace {

int status_of(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return 400;
    case ErrorCode::kUnauthenticated:
      return 401;
    case ErrorCode::kPermissionDenied:
      return 403;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kResourceExhausted:
      return 413;
    case ErrorCode::kUnavailable:
      return 503;
    default:
      return 500;
  }
}

HttpResponse plain(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

}  // namespace

HttpResponse HttpServer::Impl::serve(const HttpRequest& request) const {
  const Methods* route = find_route(request.path);
  if (route == nullptr) return plain(404, "404 page not found\n");
  const Methods& methods = *route;
  auto handler = methods.find(request.method);
  if (handler == methods.end() && request.method == "HEAD") handler = methods.find("GET");
  if (handler == methods.end()) {
    auto response = plain(405, "405 method not allowed\n");
    std::string allow;
    for (const auto& [method, unused] : methods) {
      allow += (allow.empty() ? "" : ", ") + method;
      if (method == "GET" && !methods.contains("HEAD")) allow += ", HEAD";
    }
    response.headers.emplace_back("Allow", allow);
    return response;
  }
  HttpResponse response;
  try {
    handler->second(request, response);
  } catch (const Error& e) {
    const int status = status_of(e.code());
    response = plain(status, status == 500 ? "500 internal server error\n" : e.message() + "\n");
  } catch (...) {
    response = plain(500, "500 internal server error\n");
  }
  return response;
}

HttpServer::HttpServer(Options options) : impl_(std::make_unique<Impl>(std::move(options))) {}

HttpServer::~HttpServer() {
  stop();
}

void HttpServer::handle(const std::string& method, const std::string& path, HttpHandler handler) {
  impl_->handle(method, path, std::move(handler));
}

void HttpServer::handle_prefix(const std::string& method, const std::string& prefix,
                               HttpHandler handler) {
  impl_->handle_prefix(method, prefix, std::move(handler));
}

void HttpServer::start() {
  impl_->start();
}

void HttpServer::stop() {
  impl_->stop();
}

std::uint16_t HttpServer::port() const noexcept {
  return impl_->port();
}

std::string HttpServer::local_address() const {
  return impl_->local_address();
}

}  // namespace sluice::server
