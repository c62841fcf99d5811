#pragma once
// Test-only gitsign: a Fulcio-like CA (root and intermediate), a short-lived leaf with a SAN
// and the OIDC-issuer extension 1.3.6.1.4.1.57264.1.8, a Rekor-like log key, and a signer that
// writes what gitsign writes in offline mode: an armored detached CMS over the git object with
// the log entry (a protobuf TransparencyLogEntry without its body, with a SET and an inclusion
// proof in a three-leaf tree) as unsigned attribute 1.3.6.1.4.1.57264.3.1. Used by the unit
// tests (made in memory) and by the gitsign_test_signer program git runs (saved to a folder).
// Everything is made with OpenSSL here; nothing is taken from a real sigstore deployment.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <openssl/evp.h>
#include <openssl/x509.h>

namespace sluice::testing {

using KeyPtr = std::shared_ptr<EVP_PKEY>;
using CertPtr = std::shared_ptr<X509>;

KeyPtr generate_p256_key();

struct LeafOptions {
  std::string identity = "alice@example.com";  // an e-mail SAN, or a URI when it has "://"
  std::string issuer = "https://issuer.example.com";
  std::int64_t not_before = 1700000000;
  std::int64_t not_after = 1700000600;
};

// The pieces of the log entry a test may change before it is encoded and signed.
struct EntryFields {
  std::int64_t log_index = 2;
  std::int64_t integrated_time = 1700000100;
  std::string kind = "hashedrekord";
  std::string version = "0.0.1";
  std::string body;         // the logged body (the test signer sets the correct one)
  bool embed_body = false;  // gitsign leaves the body out
  bool with_proof = true;
  bool wrong_proof_hash = false;   // a sibling hash that does not lead to the root
  std::string set_payload_suffix;  // appended to the SET's signed payload: breaks the SET
};

struct SignOptions {
  std::int64_t signing_time = 1700000100;
  bool with_tlog = true;
  std::function<void(EntryFields&)> edit_entry;  // applied after the correct body is set
};

class GitsignFixture {
 public:
  // A new CA, log key and leaf.
  explicit GitsignFixture(const LeafOptions& leaf = {});

  // Another leaf by the same CA (other identity, other times).
  void reissue_leaf(const LeafOptions& leaf);

  // The armored signature over `payload`.
  std::string sign(std::string_view payload, const SignOptions& options = {}) const;

  // trusted_root.json naming the CA (valid from 2020) and the log (valid from 2020).
  std::string trusted_root_json() const;

  X509* leaf() const { return leaf_.get(); }
  EVP_PKEY* log_key() const { return log_key_.get(); }

  void save(const std::filesystem::path& folder) const;
  static GitsignFixture load(const std::filesystem::path& folder);

 private:
  struct Empty {};
  explicit GitsignFixture(Empty) {}
  KeyPtr root_key_, intermediate_key_, leaf_key_, log_key_;
  CertPtr root_, intermediate_, leaf_;
};

}  // namespace sluice::testing
