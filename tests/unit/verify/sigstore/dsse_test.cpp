// DSSE: the PAE encoding, the one-signature rule, and finding the artifact among in-toto
// statement subjects.
#include "verify/sigstore/dsse.h"

#include <gtest/gtest.h>

#include "sigstore_test_support.h"

namespace sluice::verify::sigstore {
namespace {

using testing::code_of;
using testing::TestKey;

constexpr ErrorCode kFailed = ErrorCode::kVerificationFailed;

TEST(DsseTest, PaeIsTheSpecsEncoding) {
  // The example of the DSSE v1 protocol description.
  EXPECT_EQ(dsse_pae("http://example.com/HelloWorld", "hello world"),
            "DSSEv1 29 http://example.com/HelloWorld 11 hello world");
  EXPECT_EQ(dsse_pae("", ""), "DSSEv1 0  0 ");
}

DsseEnvelope signed_envelope(const TestKey& key, const std::string& payload) {
  DsseEnvelope envelope;
  envelope.payload = payload;
  envelope.payload_type = std::string(kInTotoPayloadType);
  envelope.signatures.push_back({key.sign(dsse_pae(envelope.payload_type, payload)), ""});
  return envelope;
}

TEST(DsseTest, VerifiesTheOneSignatureOverThePae) {
  const TestKey key = TestKey::ec_p256();
  DsseEnvelope envelope = signed_envelope(key, "{}");
  EXPECT_NO_THROW(verify_dsse_signature(envelope, key.get()));
  EXPECT_EQ(code_of([&] { verify_dsse_signature(envelope, TestKey::ec_p256().get()); }), kFailed);
  DsseEnvelope changed_type = envelope;
  changed_type.payload_type = "application/json";
  EXPECT_EQ(code_of([&] { verify_dsse_signature(changed_type, key.get()); }), kFailed);
  DsseEnvelope two = envelope;
  two.signatures.push_back(two.signatures.front());
  EXPECT_EQ(code_of([&] { verify_dsse_signature(two, key.get()); }), kFailed);
  DsseEnvelope none = envelope;
  none.signatures.clear();
  EXPECT_EQ(code_of([&] { verify_dsse_signature(none, key.get()); }), kFailed);
}

DsseEnvelope statement(const std::string& json) {
  DsseEnvelope envelope;
  envelope.payload = json;
  envelope.payload_type = std::string(kInTotoPayloadType);
  return envelope;
}

TEST(DsseTest, FindsTheArtifactAmongSubjects) {
  const std::string digest = sha256_raw("artifact");
  const std::string subjects =
      R"([{"name":"other","digest":{"sha512":"00"}},{"name":"a","digest":{"sha256":")" +
      to_hex(digest) + R"("}}])";
  EXPECT_NO_THROW(check_in_toto_subject(
      statement(R"({"_type":"https://in-toto.io/Statement/v1","subject":)" + subjects + "}"),
      digest));
  EXPECT_NO_THROW(check_in_toto_subject(
      statement(R"({"_type":"https://in-toto.io/Statement/v0.1","subject":)" + subjects + "}"),
      digest));
  EXPECT_EQ(
      code_of([&] {
        check_in_toto_subject(
            statement(R"({"_type":"https://in-toto.io/Statement/v1","subject":)" + subjects + "}"),
            sha256_raw("another artifact"));
      }),
      kFailed);
}

TEST(DsseTest, BoundsTheSubjects) {
  const std::string digest = sha256_raw("artifact");
  const std::string subject = R"({"name":"a","digest":{"sha256":")" + to_hex(digest) + R"("}})";
  std::string many = "[";
  for (int i = 0; i < 1025; ++i) many += (i == 0 ? "" : ",") + subject;
  many += "]";
  EXPECT_EQ(
      code_of([&] {
        check_in_toto_subject(
            statement(R"({"_type":"https://in-toto.io/Statement/v1","subject":)" + many + "}"),
            digest);
      }),
      kFailed);
  EXPECT_EQ(code_of([&] {
              check_in_toto_subject(
                  statement(R"({"_type":"https://in-toto.io/Statement/v1","subject":[]})"), digest);
            }),
            kFailed);
}

TEST(DsseTest, RefusesWhatIsNotAnInTotoStatement) {
  const std::string digest = sha256_raw("artifact");
  DsseEnvelope other_type = statement("{}");
  other_type.payload_type = "application/json";
  for (
      const DsseEnvelope& envelope :
      {other_type, statement("not json"), statement("[]"), statement(R"({"subject":[]})"),
       statement(R"({"_type":"https://example.com/Statement","subject":[]})"),
       statement(R"({"_type":"https://in-toto.io/Statement/v1","subject":{}})"),
       statement(R"({"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":"x"}]})"),
       statement(
           R"({"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":7}}]})")}) {
    EXPECT_EQ(code_of([&] { check_in_toto_subject(envelope, digest); }), kFailed)
        << envelope.payload;
  }
}

}  // namespace
}  // namespace sluice::verify::sigstore
