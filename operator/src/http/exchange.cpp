#include "http/exchange.h"

#include <exception>
#include <memory>
#include <system_error>
#include <vector>

#include <boost/fiber/future.hpp>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <pplx/threadpool.h>

#include "core/error.h"
#include "core/unique_c_ptr.h"

namespace sluice::http {
namespace {

Error transport_error(const std::exception& e, const std::string& what) {
  const std::string text = e.what();
  if (const auto* http_error = dynamic_cast<const web::http::http_exception*>(&e)) {
    if (http_error->error_code() == std::errc::timed_out) {
      return {ErrorCode::kDeadlineExceeded, what + ": timed out: " + text};
    }
  }
  for (const char* tls_word : {"handshake", "certificate", "SSL", "ssl"}) {
    if (text.find(tls_word) != std::string::npos) {
      // cpprestsdk does not say why; an untrusted or mismatched server certificate is the
      // usual cause.
      return {ErrorCode::kVerificationFailed,
              what + ": TLS handshake failed (is the server certificate signed by the " +
                  "configured CA and valid for the host?): " + text};
    }
  }
  return {ErrorCode::kUnavailable, what + ": " + text};
}

// Reads a body chunk by chunk and gives up (cancelling the request, which aborts the transfer)
// once it passes `limit`: a chunked answer carries no length to check up front. Cancelling
// rather than closing the body stream matters: a closed stream leaves cpprestsdk's pending
// chunk write in a continuation cycle that keeps the whole request (~48 KiB) alive.
struct BoundedBodyReader {
  BoundedBodyReader(const concurrency::streams::istream& body, std::size_t max_bytes,
                    std::string where, pplx::cancellation_token_source canceller)
      : stream(body), limit(max_bytes), what(std::move(where)), cancel(std::move(canceller)) {}
  static constexpr std::size_t kChunk = std::size_t{64} * 1024;
  concurrency::streams::istream stream;
  std::vector<std::uint8_t> chunk = std::vector<std::uint8_t>(kChunk);
  std::string text;
  std::size_t limit;
  std::string what;
  pplx::cancellation_token_source cancel;
};

pplx::task<std::string> read_bounded(const std::shared_ptr<BoundedBodyReader>& reader) {
  return reader->stream.streambuf()
      .getn(reader->chunk.data(), BoundedBodyReader::kChunk)
      .then([reader](std::size_t read) -> pplx::task<std::string> {
        if (read == 0) return pplx::task_from_result(std::move(reader->text));
        if (reader->text.size() + read > reader->limit) {
          reader->cancel.cancel();
          throw resource_exhausted(reader->what + ": response is over the limit of " +
                                   std::to_string(reader->limit) + " bytes");
        }
        reader->text.append(reader->chunk.begin(),
                            reader->chunk.begin() + static_cast<std::ptrdiff_t>(read));
        return read_bounded(reader);
      });
}

}  // namespace

std::string Response::header(const std::string& name) const {
  const auto found = headers.find(name);
  return found == headers.end() ? std::string() : found->second;
}

Response exchange(web::http::client::http_client& client, const web::http::http_request& request,
                  std::size_t max_body_bytes, const std::string& what) {
  auto promise = std::make_shared<boost::fibers::promise<Response>>();
  auto future = promise->get_future();
  const pplx::cancellation_token_source cancel;
  try {
    client.request(request, cancel.get_token())
        .then([max_body_bytes, what, cancel](const web::http::http_response& response) {
          std::size_t length = 0;
          if (response.headers().match("Content-Length", length) && length > max_body_bytes) {
            cancel.cancel();  // else cpprestsdk goes on receiving the body into memory
            throw resource_exhausted(what + ": response of " + std::to_string(length) +
                                     " bytes is over the limit");
          }
          auto reader =
              std::make_shared<BoundedBodyReader>(response.body(), max_body_bytes, what, cancel);
          return read_bounded(reader).then([response](std::string text) {
            return Response{response.status_code(), std::move(text), response.headers()};
          });
        })
        .then([promise](const pplx::task<Response>& done) {
          try {
            promise->set_value(done.get());  // done: get() returns at once
          } catch (...) {
            promise->set_exception(std::current_exception());
          }
        });
  } catch (const std::exception& e) {
    throw transport_error(e, what);
  }
  try {
    return future.get();
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw transport_error(e, what);
  }
}

web::http::client::http_client_config client_config(std::chrono::seconds timeout) {
  web::http::client::http_client_config config;
  config.set_timeout(timeout);
  config.set_validate_certificates(true);
  config.set_max_redirects(0);
  return config;
}

x509_store_st* x509_store_from_pem(const std::string& pem, const std::string& what) {
  UniqueCPtr<X509_STORE, X509_STORE_free> store(X509_STORE_new());
  UniqueCPtr<BIO, BIO_free_all> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!store || !bio) throw internal_error("OpenSSL allocation failed");
  int added = 0;
  while (
      UniqueCPtr<X509, X509_free> cert{PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)}) {
    if (X509_STORE_add_cert(store.get(), cert.get()) == 1) ++added;
  }
  ERR_clear_error();  // the loop ends on a "no start line" error
  if (added == 0) throw invalid_argument(what + " holds no PEM certificate");
  return store.release();
}

bool set_io_threads(std::size_t threads) {
  try {
    crossplat::threadpool::initialize_with_threads(threads);
    return true;
  } catch (const std::exception&) {
    return false;  // already initialized
  }
}

}  // namespace sluice::http
