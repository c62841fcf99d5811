// cosign's Rekor bundle annotation: parsing as Go's encoding/json reads it into cosign's
// RekorBundle struct, and the offline checks of `cosign verify --trusted-root` (entries, SETs and
// trusted roots are made at test time; the real-cosign comparison is
// tests/integration/verify/cosign_tlog_matrix.py).
#include "verify/oci/rekor_bundle.h"

#include <gtest/gtest.h>

#include "sigstore_test_support.h"

namespace sluice::verify::oci {
namespace {

using sigstore::Json;
using sigstore::testing::code_of;
using sigstore::testing::message_of;
using sigstore::testing::SyntheticBundle;
using sigstore::testing::TestKey;

constexpr ErrorCode kFailed = ErrorCode::kVerificationFailed;

// A classic signature (the synthetic bundle's artifact stands for the simple-signing payload),
// its Rekor bundle annotation as cosign writes it, and the trusted root of the log.
struct Signed {
  SyntheticBundle source;
  std::string signature = source.signature();
  std::string body = source.body(signature);

  Json payload() const {
    return {{"body", encode_base64(body)},
            {"integratedTime", source.integrated_time},
            {"logIndex", source.log_index},
            {"logID", to_hex(source.log_id())}};
  }
  std::string annotation() const {
    const Json set_payload = payload();  // nlohmann sorts keys: the canonical form
    return Json{{"SignedEntryTimestamp", encode_base64(source.log.sign(set_payload.dump()))},
                {"Payload", set_payload}}
        .dump();
  }
  LoggedSignature content() const {
    return {source.artifact, signature, source.signer.spki_der(), false};
  }
  sigstore::TrustedRoot root() const {
    return sigstore::parse_trusted_root(source.trusted_root().dump());
  }
  std::int64_t verify(std::int64_t now = 1800000000) const {
    return verify_rekor_bundle(parse_rekor_bundle(annotation()), content(), root(), now);
  }
};

TEST(RekorBundleTest, ParsesCosignsAnnotation) {
  const Signed s;
  const RekorBundle bundle = parse_rekor_bundle(s.annotation());
  EXPECT_EQ(bundle.body, s.body);
  EXPECT_EQ(bundle.integrated_time, s.source.integrated_time);
  EXPECT_EQ(bundle.log_index, s.source.log_index);
  EXPECT_EQ(bundle.log_id, s.source.log_id());
  EXPECT_FALSE(bundle.signed_entry_timestamp.empty());
  const sigstore::TlogEntry entry = rekor_bundle_entry(bundle);
  EXPECT_EQ(entry.kind, "hashedrekord");
  EXPECT_EQ(entry.version, "0.0.1");
  EXPECT_EQ(entry.signed_entry_timestamp, bundle.signed_entry_timestamp);
  EXPECT_EQ(entry.integrated_time, bundle.integrated_time);
}

TEST(RekorBundleTest, FieldNamesMatchAsGoDoes) {
  // Case-insensitive, the last matching key wins, unknown fields are ignored.
  const RekorBundle bundle = parse_rekor_bundle(
      R"({"signedentrytimestamp":"AQID","payload":{"BODY":"e30=","integratedTime":5,)"
      R"("IntegratedTime":6,"logindex":7,"LOGID":"AbCd","unknown":[1]}})");
  EXPECT_EQ(bundle.signed_entry_timestamp, "\x01\x02\x03");
  EXPECT_EQ(bundle.body, "{}");
  EXPECT_EQ(bundle.integrated_time, 6);
  EXPECT_EQ(bundle.log_index, 7);
  EXPECT_EQ(bundle.log_id, "\xAB\xCD");
  EXPECT_EQ(parse_rekor_bundle(R"({"Payload":{"body":"","IntegratedTime":6,"integratedTime":5}})")
                .integrated_time,
            5);
  // Go folds U+017F (long s) to s.
  EXPECT_EQ(
      parse_rekor_bundle("{\"\xC5\xBFignedEntryTimestamp\":\"AQID\",\"Payload\":{\"body\":\"\"}}")
          .signed_entry_timestamp,
      "\x01\x02\x03");
}

TEST(RekorBundleTest, NullAndMissingFieldsAreZero) {
  const RekorBundle bundle = parse_rekor_bundle(
      R"({"SignedEntryTimestamp":null,"Payload":{"body":"","integratedTime":null}})");
  EXPECT_EQ(bundle.signed_entry_timestamp, "");
  EXPECT_EQ(bundle.integrated_time, 0);
  EXPECT_EQ(bundle.log_index, 0);
  EXPECT_EQ(bundle.log_id, "");
}

TEST(RekorBundleTest, Base64MayWrapLines) {
  EXPECT_EQ(
      parse_rekor_bundle(R"({"SignedEntryTimestamp":"AQ\r\nID","Payload":{"body":"e3\n0="}})").body,
      "{}");
}

TEST(RekorBundleTest, RefusesWhatGoCannotDecodeOrCosignCannotUse) {
  for (const char* annotation : {
           "",
           "[]",
           "null",
           "not json",
           R"({"Payload":null})",
           R"({"Payload":[]})",
           R"({"Payload":{}})",                // no body
           R"({"Payload":{"body":{}}})",       // cosign asserts a string
           R"({"Payload":{"body":"e30"}})",    // unpadded
           R"({"Payload":{"body":"e3 0="}})",  // Go skips only CR and LF
           R"({"SignedEntryTimestamp":1,"Payload":{"body":""}})",
           R"({"Payload":{"body":"","integratedTime":1.0}})",
           R"({"Payload":{"body":"","integratedTime":1e3}})",
           R"({"Payload":{"body":"","integratedTime":"1"}})",
           R"({"Payload":{"body":"","logIndex":9223372036854775808}})",
           R"({"Payload":{"body":"","logID":"abc"}})",  // odd length
           R"({"Payload":{"body":"","logID":"zz"}})",
           R"({"Payload":{"body":"","logID":7}})",
       }) {
    EXPECT_EQ(code_of([&] { parse_rekor_bundle(annotation); }), kFailed) << annotation;
  }
  EXPECT_EQ(
      parse_rekor_bundle(R"({"Payload":{"body":"","logIndex":-9223372036854775808}})").log_index,
      std::numeric_limits<std::int64_t>::min());
}

TEST(RekorBundleTest, BoundsSizeAndDepth) {
  EXPECT_EQ(code_of([] { parse_rekor_bundle(std::string(kMaxRekorBundleBytes + 1, ' ')); }),
            ErrorCode::kResourceExhausted);
  const std::string deep =
      R"({"Payload":{"body":"","x":)" + std::string(100, '[') + std::string(100, ']') + "}}";
  EXPECT_EQ(code_of([&] { parse_rekor_bundle(deep); }), ErrorCode::kResourceExhausted);
}

TEST(RekorBundleTest, EntryKindComesFromTheBody) {
  RekorBundle bundle;
  bundle.body = "not json";
  EXPECT_EQ(code_of([&] { rekor_bundle_entry(bundle); }), kFailed);
  bundle.body = R"({"kind":"rekord","apiVersion":"0.0.1","spec":{}})";
  EXPECT_EQ(rekor_bundle_entry(bundle).kind, "rekord");
}

TEST(RekorBundleTest, VerifiesAndReturnsTheIntegratedTime) {
  const Signed s;
  EXPECT_EQ(s.verify(), s.source.integrated_time);
  EXPECT_EQ(s.verify(s.source.integrated_time), s.source.integrated_time);
}

TEST(RekorBundleTest, RefusesAFutureIntegratedTime) {
  const Signed s;
  EXPECT_NE(message_of([&] { s.verify(s.source.integrated_time - 1); }).find("in the future"),
            std::string::npos);
}

TEST(RekorBundleTest, RefusesLogsTheRootDoesNotTrustThen) {
  Signed early;
  early.source.log_valid_from = "2024-01-01T00:00:00Z";  // after the integrated time
  EXPECT_NE(message_of([&] { early.verify(); }).find("outside the log key's validity"),
            std::string::npos);

  const Signed s;
  const SyntheticBundle other;  // another log
  EXPECT_NE(message_of([&] {
              verify_rekor_bundle(parse_rekor_bundle(s.annotation()), s.content(),
                                  sigstore::parse_trusted_root(other.trusted_root().dump()),
                                  1800000000);
            }).find("is not a transparency log of the trusted root"),
            std::string::npos);
}

TEST(RekorBundleTest, RefusesNonEcdsaLogKeys) {
  Signed s;
  s.source.log = TestKey::ed25519();
  EXPECT_NE(message_of([&] { s.verify(); }).find("not an ECDSA key"), std::string::npos);
}

TEST(RekorBundleTest, RefusesATamperedSet) {
  const Signed s;
  RekorBundle bundle = parse_rekor_bundle(s.annotation());
  bundle.log_index += 1;
  EXPECT_NE(message_of([&] {
              verify_rekor_bundle(bundle, s.content(), s.root(), 1800000000);
            }).find("signed entry timestamp does not verify"),
            std::string::npos);
  bundle = parse_rekor_bundle(s.annotation());
  bundle.signed_entry_timestamp.back() ^= 1;
  EXPECT_EQ(code_of([&] { verify_rekor_bundle(bundle, s.content(), s.root(), 1800000000); }),
            kFailed);
}

TEST(RekorBundleTest, TheBodyMustNameThisSignatureKeyAndPayload) {
  const Signed s;
  const RekorBundle bundle = parse_rekor_bundle(s.annotation());
  LoggedSignature other_signature = s.content();
  other_signature.signature = s.source.signer.sign("other payload");
  LoggedSignature other_payload = s.content();
  other_payload.payload = "other payload";
  LoggedSignature other_key = s.content();
  other_key.verifier_der = TestKey::ec_p256().spki_der();
  for (const LoggedSignature& content : {other_signature, other_payload, other_key}) {
    EXPECT_NE(message_of([&] {
                verify_rekor_bundle(bundle, content, s.root(), 1800000000);
              }).find("does not match"),
              std::string::npos);
  }
}

TEST(RekorBundleTest, AcceptsRekordAndRefusesOtherKinds) {
  for (const auto& [kind, version, accepted] :
       {std::tuple{"rekord", "0.0.1", true}, std::tuple{"hashedrekord", "0.0.2", false},
        std::tuple{"intoto", "0.0.2", false}}) {
    Signed s;
    Json body = Json::parse(s.body);
    body["kind"] = kind;
    body["apiVersion"] = version;
    s.body = body.dump();
    EXPECT_EQ(code_of([&] { s.verify(); }) == ErrorCode::kInternal, accepted) << kind;
  }
}

}  // namespace
}  // namespace sluice::verify::oci
