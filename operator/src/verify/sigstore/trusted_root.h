#pragma once
// trusted_root.json (media type application/vnd.dev.sigstore.trustedroot+json;version=0.1):
// the transparency logs (Rekor), certificate transparency logs, Fulcio certificate
// authorities and RFC 3161 timestamp authorities a verifier trusts, each with the time
// window (validFor) in which it is trusted. Windows are closed intervals: start and end
// inclusive; a missing end means "still valid", a missing start is refused.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "verify/sigstore/crypto.h"

namespace sluice::verify::sigstore {

struct TimeWindow {
  std::int64_t start = 0;           // Unix seconds, inclusive
  std::optional<std::int64_t> end;  // inclusive; nullopt: open-ended
  bool contains(std::int64_t time) const { return time >= start && (!end || time <= *end); }
};

// A Rekor log or a CT log.
struct TransparencyLog {
  std::string base_url;
  std::string log_id;  // raw key id bytes (SHA-256 of the key for PKIX keys)
  PublicKeyPtr key;
  TimeWindow valid_for;
  // Host name of base_url (no port): the name that signs Rekor v2 checkpoints.
  std::string host() const;
};

// A Fulcio CA or a timestamp authority: its chain, leaf-most first, root last.
struct CertificateAuthority {
  std::string uri;
  std::vector<CertificatePtr> chain;
  TimeWindow valid_for;
};

struct TrustedRoot {
  std::vector<TransparencyLog> tlogs;
  std::vector<TransparencyLog> ctlogs;
  std::vector<CertificateAuthority> certificate_authorities;
  std::vector<CertificateAuthority> timestamp_authorities;

  const TransparencyLog* find_tlog(std::string_view log_id) const;
};

inline constexpr std::size_t kMaxTrustedRootBytes = std::size_t{4} * 1024 * 1024;

// Parses trusted_root.json; malformed or unsupported input throws kInvalidArgument naming the
// field ("trusted root.tlogs[1].publicKey.validFor.start is missing").
TrustedRoot parse_trusted_root(std::string_view json_text);

}  // namespace sluice::verify::sigstore
