#pragma once

// Verification of an https server's certificate against a source's own CA bundle (the `ca.crt`
// key of its Secret). libgit2 1.5's CA setting is process-wide, so sluice verifies each fetch
// itself in libgit2's certificate_check callback, which sees only the server's leaf certificate.
// Pure logic on OpenSSL 3.

#include <optional>
#include <string>
#include <string_view>

namespace sluice::git {

// Verifies `leaf_der` (the server's certificate, DER) for TLS server use by `host` (a DNS name,
// or an IPv4/IPv6 address matched against the certificate's IP SANs) against `ca_pem`: every CA
// certificate in the PEM is a trust anchor (an intermediate CA too, as with Flux), the other
// certificates in it serve as untrusted intermediates. The system trust store is not consulted.
// Returns nullopt when the certificate verifies, else the reason (e.g. "unable to get local issuer
// certificate", "hostname mismatch"). Throws Error(kInvalidArgument) when `ca_pem` holds no
// certificate or a malformed one.
std::optional<std::string> verify_server_certificate(std::string_view leaf_der,
                                                     std::string_view ca_pem,
                                                     std::string_view host);

}  // namespace sluice::git
