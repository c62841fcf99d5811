// Bundle parsing: the three versions and two v0.3 media types, verification material kinds,
// per-version rules, and hostile input (wrong types, encodings, lengths, sizes).
#include "verify/sigstore/bundle.h"

#include <gtest/gtest.h>

#include "sigstore_test_support.h"

namespace sluice::verify::sigstore {
namespace {

using testing::code_of;
using testing::message_of;
using testing::SyntheticBundle;

constexpr ErrorCode kFailed = ErrorCode::kVerificationFailed;

Bundle vector_bundle(const std::string& name) {
  return parse_bundle(testing::vector_file("bundle-verify/" + name + "/bundle.sigstore.json"));
}

TEST(BundleTest, ReadsEachVersion) {
  const Bundle v1 = vector_bundle("happy-path-v0.1");
  EXPECT_EQ(v1.minor_version, 1);
  EXPECT_EQ(v1.certificates.size(), 1U);
  ASSERT_EQ(v1.tlog_entries.size(), 1U);
  EXPECT_EQ(v1.tlog_entries[0].log_index, 27246492);
  EXPECT_EQ(v1.tlog_entries[0].kind, "hashedrekord");
  EXPECT_TRUE(v1.tlog_entries[0].signed_entry_timestamp);
  EXPECT_TRUE(v1.message_signature);
  EXPECT_EQ(vector_bundle("happy-path-v0.2").minor_version, 2);
  EXPECT_EQ(vector_bundle("happy-path-v0.3").minor_version, 3);
  EXPECT_EQ(vector_bundle("happy-path-v0.3-new-mediaType").minor_version, 3);

  const Bundle dsse = vector_bundle("happy-path-intoto-in-dsse-v3");
  ASSERT_TRUE(dsse.dsse_envelope);
  EXPECT_EQ(dsse.dsse_envelope->payload_type, "application/vnd.in-toto+json");
  EXPECT_EQ(dsse.dsse_envelope->signatures.size(), 1U);

  const Bundle v2 = vector_bundle("rekor2-happy-path");
  EXPECT_FALSE(v2.tlog_entries[0].integrated_time);
  EXPECT_FALSE(v2.tlog_entries[0].signed_entry_timestamp);
  ASSERT_TRUE(v2.tlog_entries[0].inclusion_proof);
  EXPECT_EQ(v2.tlog_entries[0].inclusion_proof->tree_size, 736);
  EXPECT_EQ(v2.rfc3161_timestamps.size(), 1U);
}

TEST(BundleTest, ReadsKeyBundles) {
  const Bundle bundle = parse_bundle(SyntheticBundle().bundle().dump());
  EXPECT_TRUE(bundle.has_public_key);
  EXPECT_EQ(bundle.public_key_hint, "test");
  EXPECT_TRUE(bundle.certificates.empty());
  ASSERT_TRUE(bundle.message_signature);
  EXPECT_EQ(bundle.message_signature->digest_algorithm, "SHA2_256");
  EXPECT_EQ(bundle.message_signature->digest.size(), 32U);
}

// Applies `change` to a valid synthetic bundle and returns the parse error's message.
std::string refusal(const std::function<void(Json&)>& change) {
  Json bundle = SyntheticBundle().bundle();
  change(bundle);
  return message_of([&] { parse_bundle(bundle.dump()); });
}

TEST(BundleTest, MediaTypesAsSigstoreGoReadsThem) {
  const auto version_of = [](const std::string& media_type) {
    Json bundle = SyntheticBundle().bundle();
    bundle["mediaType"] = media_type;
    return parse_bundle(bundle.dump()).minor_version;
  };
  EXPECT_EQ(version_of("application/vnd.dev.sigstore.bundle+json;version=0.3"), 3);
  EXPECT_EQ(version_of("application/vnd.dev.sigstore.bundle.v0.3+json"), 3);
  EXPECT_EQ(version_of("application/vnd.dev.sigstore.bundle.v0.3.1+json"), 3);
  EXPECT_EQ(version_of("application/vnd.dev.sigstore.bundle.v0.2+json"), 2);
  for (const char* refused :
       {"application/vnd.dev.sigstore.bundle.v0.4+json",
        "application/vnd.dev.sigstore.bundle.v1.0+json",
        "application/vnd.dev.sigstore.bundle.v0.0+json",
        "application/vnd.dev.sigstore.bundle.v0.03+json",
        "application/vnd.dev.sigstore.bundle.v0.3.x+json",
        "application/vnd.dev.sigstore.bundle.v0.3-rc1+json",
        "application/vnd.dev.sigstore.bundle.v0+json",
        "application/vnd.dev.sigstore.bundle.v.3+json",
        "application/vnd.dev.sigstore.bundle+json;version=0.4",
        "application/vnd.dev.sigstore.bundle+json",
        "application/vnd.dev.sigstore.bundle.v0.3+json ", "application/json", ""}) {
    EXPECT_EQ(code_of([&] { version_of(refused); }), kFailed) << refused;
  }
}

TEST(BundleTest, RefusesUnknownVersionsAndShapes) {
  EXPECT_NE(refusal([](Json& b) {
              b["mediaType"] = "application/vnd.dev.sigstore.bundle+json;version=99.9";
            }),
            "");
  EXPECT_NE(
      refusal([](Json& b) { b["mediaType"] = "application/vnd.dev.sigstore.bundle.v0.4+json"; }),
      "");
  EXPECT_NE(refusal([](Json& b) { b.erase("mediaType"); }), "");
  EXPECT_NE(refusal([](Json& b) { b.erase("messageSignature"); }), "");
  EXPECT_NE(refusal([](Json& b) { b["dsseEnvelope"] = Json::object(); }), "");
  EXPECT_NE(refusal([](Json& b) { b.erase("verificationMaterial"); }), "");
  EXPECT_NE(refusal([](Json& b) { b["verificationMaterial"].erase("publicKey"); }), "");
  EXPECT_NE(refusal([](Json& b) {
              b["verificationMaterial"]["certificate"] = {{"rawBytes", encode_base64("x")}};
            }),
            "");
  // An absent tlogEntries is an empty list (protobuf JSON omits empty repeated fields; cosign
  // writes none with --tlog-upload=false); verify_bundle then finds no entry to count.
  EXPECT_EQ(refusal([](Json& b) { b["verificationMaterial"].erase("tlogEntries"); }), "");
  // sigstore-go compares the message digest with the logged one, so it must be there.
  EXPECT_EQ(refusal([](Json& b) { b["messageSignature"].erase("messageDigest"); }),
            "bundle.messageSignature.messageDigest is missing");
  EXPECT_NE(refusal([](Json& b) { b["verificationMaterial"]["tlogEntries"] = "x"; }), "");
}

TEST(BundleTest, RefusesBadEncodingsAndNumbers) {
  EXPECT_EQ(refusal([](Json& b) { b["messageSignature"]["signature"] = "!!!"; }),
            "bundle.messageSignature.signature is not valid base64");
  EXPECT_EQ(refusal([](Json& b) { b["messageSignature"]["signature"] = ""; }),
            "bundle.messageSignature.signature is empty");
  EXPECT_EQ(
      refusal([](Json& b) { b["verificationMaterial"]["tlogEntries"][0]["logIndex"] = "-1"; }),
      "bundle.verificationMaterial.tlogEntries[0].logIndex is negative");
  EXPECT_NE(
      refusal([](Json& b) { b["verificationMaterial"]["tlogEntries"][0]["logIndex"] = "1x"; }), "");
  EXPECT_NE(refusal([](Json& b) {
              b["verificationMaterial"]["tlogEntries"][0]["integratedTime"] = "-5";
            }),
            "");
  EXPECT_NE(refusal([](Json& b) {
              b["verificationMaterial"]["tlogEntries"][0]["canonicalizedBody"] = "x";
            }),
            "");
  EXPECT_NE(refusal([](Json& b) {
              b["verificationMaterial"]["tlogEntries"][0]["inclusionProof"]["rootHash"] =
                  encode_base64(std::string(31, 'x'));
            }),
            "");
  EXPECT_NE(refusal([](Json& b) {
              b["verificationMaterial"]["tlogEntries"][0]["inclusionProof"]["hashes"][0] =
                  encode_base64(std::string(33, 'x'));
            }),
            "");
  EXPECT_NE(refusal([](Json& b) {
              b["verificationMaterial"]["tlogEntries"][0]["inclusionProof"]["logIndex"] = "3";
            }),
            "");
  EXPECT_NE(refusal([](Json& b) {
              b["verificationMaterial"]["tlogEntries"][0]["inclusionProof"].erase("checkpoint");
            }),
            "");
  EXPECT_NE(refusal([](Json& b) {
              auto& hashes =
                  b["verificationMaterial"]["tlogEntries"][0]["inclusionProof"]["hashes"];
              for (int i = 0; i < 64; ++i) hashes.push_back(hashes[0]);
            }),
            "");
}

TEST(BundleTest, AppliesVersionRules) {
  EXPECT_EQ(refusal([](Json& b) {
              b["mediaType"] = "application/vnd.dev.sigstore.bundle+json;version=0.1";
              b["verificationMaterial"]["tlogEntries"][0].erase("inclusionPromise");
            }),
            "bundle tlog entries have no inclusion promise, which a v0.1 bundle requires");
  EXPECT_EQ(
      refusal([](Json& b) { b["verificationMaterial"]["tlogEntries"][0].erase("inclusionProof"); }),
      "bundle tlog entries have no inclusion proof, which a v0.2+ bundle requires");
  // v0.3 carries one certificate, never a chain.
  Json v3 = testing::vector_json("bundle-verify/happy-path-v0.3/bundle.sigstore.json");
  v3["verificationMaterial"]["x509CertificateChain"] = {
      {"certificates", Json::array({v3["verificationMaterial"]["certificate"]})}};
  v3["verificationMaterial"].erase("certificate");
  EXPECT_EQ(message_of([&] { parse_bundle(v3.dump()); }),
            "bundle.verificationMaterial.x509CertificateChain is not allowed in a v0.3 bundle");
}

TEST(BundleTest, RefusesMalformedCertificatesAndEmptyChains) {
  Json v1 = testing::vector_json("bundle-verify/happy-path-v0.1/bundle.sigstore.json");
  auto& certificates = v1["verificationMaterial"]["x509CertificateChain"]["certificates"];
  const std::string der = *decode_protobuf_bytes(certificates[0]["rawBytes"].get<std::string>());
  certificates[0]["rawBytes"] = encode_base64(der + std::string(1, '\0'));
  EXPECT_EQ(code_of([&] { parse_bundle(v1.dump()); }), kFailed);
  certificates[0]["rawBytes"] = encode_base64(der.substr(0, der.size() / 2));
  EXPECT_EQ(code_of([&] { parse_bundle(v1.dump()); }), kFailed);
  certificates = Json::array();
  EXPECT_EQ(code_of([&] { parse_bundle(v1.dump()); }), kFailed);
}

TEST(BundleTest, RefusesTruncatedAndOversizedInput) {
  const std::string text = SyntheticBundle().bundle().dump();
  for (std::size_t cut : {std::size_t{0}, std::size_t{1}, text.size() / 2, text.size() - 1}) {
    EXPECT_EQ(code_of([&] { parse_bundle(text.substr(0, cut)); }), kFailed) << cut;
  }
  EXPECT_EQ(code_of([&] { parse_bundle(text + "x"); }), kFailed);
  EXPECT_EQ(code_of([] { parse_bundle(std::string(kMaxBundleBytes + 1, ' ')); }),
            ErrorCode::kResourceExhausted);
}

}  // namespace
}  // namespace sluice::verify::sigstore
