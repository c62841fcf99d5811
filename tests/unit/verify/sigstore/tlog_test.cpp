// Rekor entries: body matching for each supported kind (synthetic entries and the vectors'
// real ones), the SET payload and signature, inclusion proofs with v1 and v2 checkpoints.
#include "verify/sigstore/tlog.h"

#include <gtest/gtest.h>

#include "sigstore_test_support.h"
#include "verify/sigstore/dsse.h"

namespace sluice::verify::sigstore {
namespace {

using testing::code_of;
using testing::message_of;
using testing::SyntheticBundle;

constexpr ErrorCode kFailed = ErrorCode::kVerificationFailed;

// What the verifier derives from a bundle, for bundles signed with a certificate or `key`.
LoggedContent content_of(const Bundle& bundle, const std::string& artifact_sha256,
                         const std::string& key_der = "") {
  LoggedContent content;
  content.verifier_is_certificate = key_der.empty();
  content.verifier_der =
      key_der.empty() ? certificate_der(bundle.certificates.front().get()) : key_der;
  if (bundle.message_signature) {
    content.signed_digest = artifact_sha256;
    content.signature = bundle.message_signature->signature;
  } else {
    content.envelope = &*bundle.dsse_envelope;
    content.signed_digest =
        sha256_raw(dsse_pae(bundle.dsse_envelope->payload_type, bundle.dsse_envelope->payload));
    content.signature = bundle.dsse_envelope->signatures.front().signature;
  }
  return content;
}

struct Synthetic {
  SyntheticBundle source;
  Bundle bundle = parse_bundle(source.bundle().dump());
  TrustedRoot root = parse_trusted_root(source.trusted_root().dump());
  const TlogEntry& entry() const { return bundle.tlog_entries.front(); }
  LoggedContent content() const {
    return content_of(bundle, sha256_raw(source.artifact), source.signer.spki_der());
  }
};

std::string a_txt_sha256() {
  return sha256_raw(testing::vector_file("bundle-verify/a.txt"));
}

Bundle vector_bundle(const std::string& name) {
  return parse_bundle(testing::vector_file("bundle-verify/" + name + "/bundle.sigstore.json"));
}

TEST(TlogTest, SyntheticHashedrekordMatchesItsBundle) {
  const Synthetic s;
  EXPECT_NO_THROW(check_entry_body(s.entry(), s.content()));
  LoggedContent other_digest = s.content();
  other_digest.signed_digest = sha256_raw("other");
  EXPECT_EQ(message_of([&] { check_entry_body(s.entry(), other_digest); }),
            "transparency log entry does not match the bundle: the logged artifact digest differs");
  LoggedContent other_signature = s.content();
  other_signature.signature = "x";
  EXPECT_EQ(code_of([&] { check_entry_body(s.entry(), other_signature); }), kFailed);
  LoggedContent other_key = s.content();
  other_key.verifier_der = testing::TestKey::ec_p256().spki_der();
  EXPECT_EQ(code_of([&] { check_entry_body(s.entry(), other_key); }), kFailed);
  LoggedContent as_certificate = s.content();
  as_certificate.verifier_is_certificate = true;
  EXPECT_EQ(code_of([&] { check_entry_body(s.entry(), as_certificate); }), kFailed);
}

TEST(TlogTest, BodyMustBeTheKindTheEntrySays) {
  Synthetic s;
  TlogEntry entry = s.entry();
  entry.version = "0.0.2";
  EXPECT_EQ(code_of([&] { check_entry_body(entry, s.content()); }), kFailed);
  entry = s.entry();
  entry.canonicalized_body = R"({"apiVersion":"0.0.1","kind":"rekord","spec":{}})";
  entry.kind = "rekord";
  EXPECT_EQ(code_of([&] { check_entry_body(entry, s.content()); }), ErrorCode::kUnimplemented);
  entry.canonicalized_body = "{not json";
  EXPECT_EQ(code_of([&] { check_entry_body(entry, s.content()); }), kFailed);
  entry = s.entry();
  entry.canonicalized_body = R"({"apiVersion":"0.0.1","kind":"hashedrekord","spec":{}})";
  EXPECT_EQ(code_of([&] { check_entry_body(entry, s.content()); }), kFailed);
}

TEST(TlogTest, RealBodiesOfEachKindMatchTheirBundles) {
  for (const std::string name : {"happy-path-v0.3", "happy-path-intoto-in-dsse-v3",
                                 "rekor2-happy-path", "rekor2-dsse-happy-path"}) {
    const Bundle bundle = vector_bundle(name);
    EXPECT_NO_THROW(check_entry_body(bundle.tlog_entries[0], content_of(bundle, a_txt_sha256())))
        << name;
  }
  const Bundle intoto = vector_bundle("intoto-with-custom-trust-root");
  const std::string artifact =
      testing::vector_file("bundle-verify/intoto-with-custom-trust-root/artifact");
  EXPECT_NO_THROW(
      check_entry_body(intoto.tlog_entries[0], content_of(intoto, sha256_raw(artifact))));
}

TEST(TlogTest, RealBodiesRefuseOtherEnvelopes) {
  for (const std::string name :
       {"dsse-mismatch-envelope_fail", "dsse-mismatch-sig_fail", "intoto-log-entry-mismatch_fail",
        "rekor2-dsse-mismatch-envelope_fail"}) {
    const Bundle bundle = vector_bundle(name);
    EXPECT_EQ(code_of([&] {
                check_entry_body(bundle.tlog_entries[0], content_of(bundle, a_txt_sha256()));
              }),
              kFailed)
        << name;
  }
}

TlogEntry entry_with_body(const std::string& kind, const std::string& version, const Json& body) {
  TlogEntry entry;
  entry.kind = kind;
  entry.version = version;
  entry.canonicalized_body = body.dump();
  return entry;
}

TEST(TlogTest, RekorV2KeyVerifiersCompareDer) {
  const testing::TestKey key = testing::TestKey::ec_p256();
  LoggedContent content;
  content.verifier_der = key.spki_der();
  content.signed_digest = sha256_raw("artifact");
  content.signature = "signature bytes";
  const auto body = [&](const std::string& key_der, const std::string& digest) {
    return Json{{"apiVersion", "0.0.2"},
                {"kind", "hashedrekord"},
                {"spec",
                 {{"hashedRekordV002",
                   {{"data", {{"algorithm", "SHA2_256"}, {"digest", encode_base64(digest)}}},
                    {"signature",
                     {{"content", encode_base64("signature bytes")},
                      {"verifier",
                       {{"keyDetails", "PKIX_ECDSA_P256_SHA_256"},
                        {"publicKey", {{"rawBytes", encode_base64(key_der)}}}}}}}}}}}};
  };
  EXPECT_NO_THROW(check_entry_body(
      entry_with_body("hashedrekord", "0.0.2", body(key.spki_der(), sha256_raw("artifact"))),
      content));
  EXPECT_EQ(code_of([&] {
              check_entry_body(entry_with_body("hashedrekord", "0.0.2",
                                               body(testing::TestKey::ec_p256().spki_der(),
                                                    sha256_raw("artifact"))),
                               content);
            }),
            kFailed);
  EXPECT_EQ(code_of([&] {
              check_entry_body(entry_with_body("hashedrekord", "0.0.2",
                                               body(key.spki_der(), sha256_raw("other"))),
                               content);
            }),
            kFailed);
  LoggedContent as_certificate = content;
  as_certificate.verifier_is_certificate = true;
  EXPECT_EQ(code_of([&] {
              check_entry_body(entry_with_body("hashedrekord", "0.0.2",
                                               body(key.spki_der(), sha256_raw("artifact"))),
                               as_certificate);
            }),
            kFailed);
}

TEST(TlogTest, RekorV2DsseEntriesCompareThePayloadHashAndSignatures) {
  const testing::TestKey key = testing::TestKey::ec_p256();
  DsseEnvelope envelope;
  envelope.payload = "{}";
  envelope.payload_type = "application/vnd.in-toto+json";
  envelope.signatures.push_back({"signature bytes", ""});
  LoggedContent content;
  content.verifier_der = key.spki_der();
  content.envelope = &envelope;
  const auto body = [&](const std::string& payload, const std::string& signature) {
    return Json{
        {"apiVersion", "0.0.2"},
        {"kind", "dsse"},
        {"spec",
         {{"dsseV002",
           {{"payloadHash",
             {{"algorithm", "SHA2_256"}, {"digest", encode_base64(sha256_raw(payload))}}},
            {"signatures",
             Json::array(
                 {{{"content", encode_base64(signature)},
                   {"verifier",
                    {{"keyDetails", "PKIX_ECDSA_P256_SHA_256"},
                     {"publicKey", {{"rawBytes", encode_base64(key.spki_der())}}}}}}})}}}}}};
  };
  EXPECT_NO_THROW(
      check_entry_body(entry_with_body("dsse", "0.0.2", body("{}", "signature bytes")), content));
  EXPECT_EQ(code_of([&] {
              check_entry_body(entry_with_body("dsse", "0.0.2", body("{ }", "signature bytes")),
                               content);
            }),
            kFailed);
  EXPECT_EQ(code_of([&] {
              check_entry_body(entry_with_body("dsse", "0.0.2", body("{}", "other signature")),
                               content);
            }),
            kFailed);
  LoggedContent message = content;
  message.envelope = nullptr;
  EXPECT_EQ(code_of([&] {
              check_entry_body(entry_with_body("dsse", "0.0.2", body("{}", "signature bytes")),
                               message);
            }),
            kFailed);
}

TEST(TlogTest, SetPayloadIsRekorsCanonicalJson) {
  TlogEntry entry;
  entry.canonicalized_body = "ab";
  entry.integrated_time = 5;
  entry.log_id = "\x01\x02";
  entry.log_index = 7;
  EXPECT_EQ(signed_entry_timestamp_payload(entry),
            R"({"body":"YWI=","integratedTime":5,"logID":"0102","logIndex":7})");
  entry.integrated_time.reset();
  EXPECT_EQ(code_of([&] { signed_entry_timestamp_payload(entry); }), kFailed);
}

TEST(TlogTest, SetVerifiesUnderTheLogKeyOnly) {
  const Synthetic s;
  EXPECT_NO_THROW(verify_signed_entry_timestamp(s.entry(), s.root.tlogs[0]));
  TlogEntry moved = s.entry();
  moved.integrated_time = *moved.integrated_time + 1;
  EXPECT_EQ(code_of([&] { verify_signed_entry_timestamp(moved, s.root.tlogs[0]); }), kFailed);
  TransparencyLog other = s.root.tlogs[0];
  other.key = testing::TestKey::ec_p256().public_key();
  EXPECT_EQ(code_of([&] { verify_signed_entry_timestamp(s.entry(), other); }), kFailed);

  const Bundle real = vector_bundle("happy-path-v0.1");
  const TrustedRoot production =
      parse_trusted_root(testing::vector_file("trusted_root.public-good.json"));
  EXPECT_NO_THROW(verify_signed_entry_timestamp(real.tlog_entries[0], production.tlogs[0]));
}

TEST(TlogTest, InclusionProofAndCheckpoint) {
  const Synthetic s;
  EXPECT_NO_THROW(verify_inclusion_proof(s.entry(), s.root.tlogs[0]));

  TlogEntry corrupted = s.entry();
  corrupted.inclusion_proof->hashes[0][3] ^= 1;
  EXPECT_EQ(message_of([&] { verify_inclusion_proof(corrupted, s.root.tlogs[0]); }),
            "the inclusion proof does not lead to its root hash");

  TlogEntry other_tree = s.entry();
  other_tree.inclusion_proof->checkpoint = s.source.checkpoint(3, std::string(32, '\x42'));
  EXPECT_EQ(message_of([&] { verify_inclusion_proof(other_tree, s.root.tlogs[0]); }),
            "the checkpoint is for another tree than the inclusion proof");

  TransparencyLog other_key = s.root.tlogs[0];
  other_key.key = testing::TestKey::ec_p256().public_key();
  EXPECT_EQ(code_of([&] { verify_inclusion_proof(s.entry(), other_key); }), kFailed);

  TlogEntry no_proof = s.entry();
  no_proof.inclusion_proof.reset();
  EXPECT_EQ(code_of([&] { verify_inclusion_proof(no_proof, s.root.tlogs[0]); }), kFailed);
}

TEST(TlogTest, RekorV2CheckpointsAreSignedByTheLogsHostName) {
  const Bundle bundle = vector_bundle("rekor2-happy-path");
  const TrustedRoot root =
      parse_trusted_root(testing::vector_file("bundle-verify/rekor2-happy-path/trusted_root.json"));
  const TransparencyLog* log = root.find_tlog(bundle.tlog_entries[0].log_id);
  ASSERT_NE(log, nullptr);
  EXPECT_NO_THROW(verify_inclusion_proof(bundle.tlog_entries[0], *log));
  TransparencyLog renamed = *log;
  renamed.base_url = "https://log2025-alpha1.rekor.example.dev";
  EXPECT_EQ(code_of([&] { verify_inclusion_proof(bundle.tlog_entries[0], renamed); }), kFailed);
  for (const std::string name : {"rekor2-checkpoint-cosigned", "rekor2-checkpoint-origin-not-first",
                                 "rekor2-checkpoint-multiple-cosigs"}) {
    const Bundle cosigned = vector_bundle(name);
    EXPECT_NO_THROW(verify_inclusion_proof(cosigned.tlog_entries[0], *log)) << name;
  }
}

}  // namespace
}  // namespace sluice::verify::sigstore
