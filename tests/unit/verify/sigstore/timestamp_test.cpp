// RFC 3161 timestamps: the vectors' real Sigstore TSA timestamps verified over the bundle
// signature, against the trusted root's authorities and windows; hostile DER refused.
#include "verify/sigstore/timestamp.h"

#include <gtest/gtest.h>

#include "sigstore_test_support.h"
#include "verify/sigstore/bundle.h"

namespace sluice::verify::sigstore {
namespace {

using testing::code_of;

constexpr ErrorCode kFailed = ErrorCode::kVerificationFailed;
constexpr std::int64_t kGenerated = 1749729740;  // 2025-06-12T12:02:20Z

struct RealTimestamp {
  Bundle bundle =
      parse_bundle(testing::vector_file("bundle-verify/rekor2-happy-path/bundle.sigstore.json"));
  TrustedRoot root =
      parse_trusted_root(testing::vector_file("bundle-verify/rekor2-happy-path/trusted_root.json"));
  const std::string& der() const { return bundle.rfc3161_timestamps.front(); }
  const std::string& signature() const { return bundle.message_signature->signature; }
};

TEST(TimestampTest, VerifiesOverTheSignatureBytes) {
  const RealTimestamp real;
  EXPECT_EQ(timestamp_time(real.der()), kGenerated);
  EXPECT_EQ(verify_rfc3161_timestamp(real.der(), real.signature(), real.root), kGenerated);
  EXPECT_EQ(
      code_of([&] { verify_rfc3161_timestamp(real.der(), real.signature() + "x", real.root); }),
      kFailed);
}

TEST(TimestampTest, NeedsATrustedAuthorityValidAtItsTime) {
  const RealTimestamp real;
  TrustedRoot window = real.root;
  window.timestamp_authorities[0].valid_for.end = kGenerated;  // inclusive
  EXPECT_EQ(verify_rfc3161_timestamp(real.der(), real.signature(), window), kGenerated);
  window.timestamp_authorities[0].valid_for.end = kGenerated - 1;
  EXPECT_EQ(code_of([&] { verify_rfc3161_timestamp(real.der(), real.signature(), window); }),
            kFailed);
  TrustedRoot none = real.root;
  none.timestamp_authorities.clear();
  EXPECT_EQ(code_of([&] { verify_rfc3161_timestamp(real.der(), real.signature(), none); }),
            kFailed);
  // Another authority's chain (the production TSA) does not vouch for this one.
  TrustedRoot other = real.root;
  other.timestamp_authorities =
      parse_trusted_root(testing::vector_file("trusted_root.public-good.json"))
          .timestamp_authorities;
  other.timestamp_authorities[0].valid_for.start = 0;
  EXPECT_EQ(code_of([&] { verify_rfc3161_timestamp(real.der(), real.signature(), other); }),
            kFailed);
}

TEST(TimestampTest, EmbeddedOrNotTheChainComesFromTheTrustedRoot) {
  for (const std::string name :
       {"rekor2-timestamp-with-embedded-cert", "rekor2-timestamp-without-embedded-cert",
        "rekor2-timestamp-with-expired-cert-chain"}) {
    const std::string folder = "bundle-verify/" + name + "/";
    const Bundle bundle = parse_bundle(testing::vector_file(folder + "bundle.sigstore.json"));
    const TrustedRoot root = parse_trusted_root(testing::vector_file(folder + "trusted_root.json"));
    EXPECT_NO_THROW(verify_rfc3161_timestamp(bundle.rfc3161_timestamps[0],
                                             bundle.message_signature->signature, root))
        << name;
  }
  const std::string untrusted =
      "bundle-verify/rekor2-timestamp-untrusted-tsa-with-embedded-cert_fail/";
  const Bundle bundle = parse_bundle(testing::vector_file(untrusted + "bundle.sigstore.json"));
  const TrustedRoot root =
      parse_trusted_root(testing::vector_file(untrusted + "trusted_root.json"));
  EXPECT_EQ(code_of([&] {
              verify_rfc3161_timestamp(bundle.rfc3161_timestamps[0],
                                       bundle.message_signature->signature, root);
            }),
            kFailed);
}

TEST(TimestampTest, RefusesHostileDer) {
  const RealTimestamp real;
  const std::string& der = real.der();
  std::vector<std::string> bad = {"",
                                  "\x30",
                                  der + std::string(1, '\0'),
                                  der.substr(0, der.size() - 1),
                                  der.substr(0, 20),
                                  std::string(70000, '\x30')};
  std::string flipped = der;
  flipped[der.size() - 10] ^= 0x01;  // inside the signature
  bad.push_back(flipped);
  std::string status = der;
  status[8] = 2;  // PKIStatus: rejection
  bad.push_back(status);
  // The SignerInfo's signature algorithm (ecdsa-with-SHA256, the last OID in the token): an
  // unknown one, or one whose hash is not the digest algorithm, is refused.
  const std::size_t algorithm = der.rfind(std::string("\x2a\x86\x48\xce\x3d\x04\x03\x02", 8));
  ASSERT_NE(algorithm, std::string::npos);
  for (const char last : {'\x03', '\x7f'}) {
    std::string changed = der;
    changed[algorithm + 7] = last;
    bad.push_back(changed);
  }
  std::string garbled = der;
  garbled[algorithm + 2] ^= 0x01;
  bad.push_back(garbled);
  for (const std::string& input : bad) {
    EXPECT_EQ(code_of([&] { verify_rfc3161_timestamp(input, real.signature(), real.root); }),
              kFailed);
  }
}

TEST(TimestampTest, EmbeddedCertificatesAreOnlyHints) {
  // The signer certificate comes from the trusted root; a changed embedded copy is not used.
  const RealTimestamp real;
  std::string der = real.der();
  der[320] ^= 0x01;  // inside the embedded TSA certificate's issuer name
  EXPECT_EQ(verify_rfc3161_timestamp(der, real.signature(), real.root), kGenerated);
}

}  // namespace
}  // namespace sluice::verify::sigstore
