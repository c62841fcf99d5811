#pragma once
// One HTTP exchange over cpprestsdk, the way every sluice client (Kubernetes API, OCI
// registries) needs it: asynchronous underneath, waited on as a fiber, with the answer's size
// bounded and transport failures mapped onto sluice::Error.
//
// The pplx continuations run on cpprestsdk's threads; the last one fulfils a Boost.Fiber
// promise, so a fiber calling exchange() suspends only itself (a plain thread, e.g. the CLI or
// a test, simply blocks).

#include <chrono>
#include <cstddef>
#include <string>

#include <cpprest/http_client.h>

struct x509_store_st;  // OpenSSL's X509_STORE

namespace sluice::http {

struct Response {
  int status = 0;
  std::string body;
  web::http::http_headers headers;

  // A header's value, or "" (cpprestsdk folds repeated headers into one comma-joined value).
  std::string header(const std::string& name) const;
};

// Sends `request` and returns the answer whatever its status. A body larger than
// `max_body_bytes` fails with kResourceExhausted as soon as the limit is passed (the transfer
// is cut off, chunked answers included). Transport failures: kDeadlineExceeded on the client's
// timeout, kVerificationFailed when the TLS handshake fails, kUnavailable otherwise; `what`
// (e.g. "GET /v2/app/manifests/v1") starts every message.
Response exchange(web::http::client::http_client& client, const web::http::http_request& request,
                  std::size_t max_body_bytes, const std::string& what);

// The configuration every sluice client starts from: `timeout` per request, certificates
// verified, and redirects never followed by cpprestsdk. Its follower sends the original
// request's headers, Authorization included, to wherever a Location points, and it copies those
// headers on the calling thread while its I/O thread is already adding Content-Type and
// Content-Length to them (a data race ThreadSanitizer found; docs/security.md, F12). A caller
// that follows redirects does so itself, deciding which credentials go where.
web::http::client::http_client_config client_config(std::chrono::seconds timeout);

// Sizes cpprestsdk's shared I/O thread pool, which otherwise starts 40 threads on first use.
// Takes effect only before the first request of the process; returns false when the pool is
// already running (its size can no longer change).
bool set_io_threads(std::size_t threads);

// Every certificate of a PEM bundle in a fresh store (the caller owns it), so that a
// configured CA is the only trust anchor. Throws kInvalidArgument, naming `what`, when the
// bundle holds no certificate.
x509_store_st* x509_store_from_pem(const std::string& pem, const std::string& what);

}  // namespace sluice::http
