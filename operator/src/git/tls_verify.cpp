#include "git/tls_verify.h"

#include <memory>

#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "core/error.h"
#include "core/unique_c_ptr.h"

namespace sluice::git {
namespace {

using BioPtr = UniqueCPtr<BIO, BIO_free_all>;
using X509Ptr = UniqueCPtr<X509, X509_free>;
using StorePtr = UniqueCPtr<X509_STORE, X509_STORE_free>;
using StoreCtxPtr = UniqueCPtr<X509_STORE_CTX, X509_STORE_CTX_free>;

void free_cert_stack(STACK_OF(X509) * stack) {
  sk_X509_pop_free(stack, X509_free);
}
using CertStackPtr = UniqueCPtr<STACK_OF(X509), free_cert_stack>;

bool is_ip_address(const std::string& host) {
  unsigned char buffer[16];
  return inet_pton(AF_INET, host.c_str(), buffer) == 1 ||
         inet_pton(AF_INET6, host.c_str(), buffer) == 1;
}

}  // namespace

std::optional<std::string> verify_server_certificate(std::string_view leaf_der,
                                                     std::string_view ca_pem,
                                                     std::string_view host) {
  const StorePtr store(X509_STORE_new());
  const CertStackPtr untrusted(sk_X509_new_null());
  if (!store || !untrusted) throw internal_error("out of memory verifying a TLS certificate");

  const BioPtr bio(BIO_new_mem_buf(ca_pem.data(), static_cast<int>(ca_pem.size())));
  int anchors = 0;
  int certificates = 0;
  for (;;) {
    X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert) {
      const unsigned long error = ERR_peek_last_error();
      ERR_clear_error();
      // The end of the PEM ends the loop; anything else is a broken certificate.
      if (ERR_GET_REASON(error) == PEM_R_NO_START_LINE) break;
      throw invalid_argument("ca.crt holds a malformed certificate");
    }
    ++certificates;
    if (X509_check_ca(cert.get()) > 0) {
      if (X509_STORE_add_cert(store.get(), cert.get()) != 1) {
        ERR_clear_error();  // the same CA twice
      }
      ++anchors;
    } else {
      if (sk_X509_push(untrusted.get(), cert.get()) <= 0) throw internal_error("out of memory");
      static_cast<void>(cert.release());
    }
  }
  if (certificates == 0) throw invalid_argument("ca.crt holds no PEM certificate");
  if (anchors == 0) return "ca.crt holds no CA certificate";

  const auto* der = reinterpret_cast<const unsigned char*>(leaf_der.data());
  const X509Ptr leaf(d2i_X509(nullptr, &der, static_cast<long>(leaf_der.size())));
  if (!leaf) {
    ERR_clear_error();
    return "the server's certificate is malformed";
  }
  const StoreCtxPtr context(X509_STORE_CTX_new());
  if (!context ||
      X509_STORE_CTX_init(context.get(), store.get(), leaf.get(), untrusted.get()) != 1) {
    throw internal_error("cannot set up TLS certificate verification");
  }
  X509_STORE_CTX_set_default(context.get(), "ssl_server");
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(context.get());
  // Any CA of the bundle may end the chain, as with Flux (Go's cert pools): an intermediate CA
  // alone is enough.
  X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
  const std::string name(host);
  const int set = is_ip_address(name) ? X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str())
                                      : X509_VERIFY_PARAM_set1_host(param, name.c_str(), 0);
  if (set != 1) throw internal_error("cannot set the host to verify a TLS certificate for");
  if (X509_verify_cert(context.get()) == 1) return std::nullopt;
  ERR_clear_error();
  return X509_verify_cert_error_string(X509_STORE_CTX_get_error(context.get()));
}

}  // namespace sluice::git
