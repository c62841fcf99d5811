// The whole verification: synthetic key-signed bundles changed one rule at a time, and real
// certificate-signed bundles from the vectors against identity policies.
#include "verify/sigstore/verifier.h"

#include <gtest/gtest.h>

#include "sigstore_test_support.h"

namespace sluice::verify::sigstore {
namespace {

using testing::message_of;
using testing::SyntheticBundle;
using testing::TestKey;

constexpr const char* kIdentity =
    "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/"
    "workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
constexpr const char* kIssuer = "https://token.actions.githubusercontent.com";

Artifact artifact_of(const std::string& bytes) {
  return {bytes, sha256_raw(bytes)};
}

struct KeyRun {
  SyntheticBundle source;
  Json bundle = source.bundle();
  Json root = source.trusted_root();
  std::int64_t now = source.integrated_time + 60;

  VerificationResult verify(const Artifact& artifact) const {
    SignerPolicy policy;
    policy.key = source.signer.public_key();
    return verify_bundle(parse_bundle(bundle.dump()), parse_trusted_root(root.dump()), artifact,
                         policy, now);
  }
  VerificationResult verify() const { return verify(artifact_of(source.artifact)); }
  std::string refusal() const {
    return message_of([this] { verify(); });
  }
};

TEST(VerifierTest, KeySignedBundleVerifiesWithTheArtifactOrItsDigest) {
  const KeyRun run;
  const VerificationResult result = run.verify();
  EXPECT_EQ(result.signer.rfind("key ECDSA P-256 sha256:", 0), 0U);
  EXPECT_EQ(result.log_indexes, std::vector<std::int64_t>{2});
  EXPECT_EQ(result.verified_times, std::vector<std::int64_t>{run.source.integrated_time});
  EXPECT_NO_THROW(run.verify(Artifact{std::nullopt, sha256_raw(run.source.artifact)}));
}

TEST(VerifierTest, RefusesAnotherArtifactOrKey) {
  const KeyRun run;
  EXPECT_EQ(message_of([&] { run.verify(artifact_of("other")); }),
            "the bundle's message digest is not the artifact's SHA-256");
  SignerPolicy other;
  other.key = TestKey::ec_p256().public_key();
  EXPECT_EQ(message_of([&] {
              verify_bundle(parse_bundle(run.bundle.dump()), parse_trusted_root(run.root.dump()),
                            artifact_of(run.source.artifact), other, run.now);
            }),
            "the signature does not verify over the artifact");
  SignerPolicy identity;
  identity.identity = CertificateIdentityMatcher::exactly(kIdentity, kIssuer);
  EXPECT_EQ(message_of([&] {
              verify_bundle(parse_bundle(run.bundle.dump()), parse_trusted_root(run.root.dump()),
                            artifact_of(run.source.artifact), identity, run.now);
            }),
            "the bundle is signed with a key; give it with --key");
}

TEST(VerifierTest, MessageDigestIsCheckedEvenWhenTheSignatureIsRight) {
  KeyRun run;
  run.bundle["messageSignature"]["messageDigest"]["digest"] = encode_base64(sha256_raw("x"));
  EXPECT_EQ(run.refusal(), "the bundle's message digest is not the artifact's SHA-256");
  run.bundle["messageSignature"]["messageDigest"]["algorithm"] = "SHA2_384";
  EXPECT_NE(run.refusal(), "");
}

TEST(VerifierTest, EntriesOfUnknownLogsOrWithBadSetsDoNotCount) {
  KeyRun unknown;
  unknown.root["tlogs"][0]["logId"]["keyId"] = encode_base64(std::string(32, 'x'));
  EXPECT_EQ(unknown.refusal(),
            "no transparency log entry verifies: tlog entry 0 skipped: its log is not in the "
            "trusted root");
  KeyRun bad_set;
  bad_set.bundle["verificationMaterial"]["tlogEntries"][0]["integratedTime"] = "1700000001";
  EXPECT_NE(bad_set.refusal().find("the signed entry timestamp does not verify"),
            std::string::npos);
  KeyRun before_window;
  before_window.root["tlogs"][0]["publicKey"]["validFor"]["start"] = "2024-01-01T00:00:00Z";
  EXPECT_NE(before_window.refusal().find("outside the log key's validity"), std::string::npos);
  KeyRun window_end;  // the end is inclusive
  window_end.root["tlogs"][0]["publicKey"]["validFor"]["end"] = "2023-11-14T22:13:20Z";
  EXPECT_NO_THROW(window_end.verify());
  window_end.root["tlogs"][0]["publicKey"]["validFor"]["end"] = "2023-11-14T22:13:19Z";
  EXPECT_NE(window_end.refusal(), "");
}

TEST(VerifierTest, EntryFailuresOtherThanTheSetAreFatal) {
  KeyRun corrupted;
  corrupted.bundle["verificationMaterial"]["tlogEntries"][0]["inclusionProof"]["hashes"][0] =
      encode_base64(std::string(32, 'x'));
  EXPECT_EQ(corrupted.refusal(),
            "tlog entry 0: the inclusion proof does not lead to its root hash");
  KeyRun future;
  future.now = future.source.integrated_time - 1;
  EXPECT_EQ(future.refusal(), "tlog entry 0: its integrated time 1700000000 is in the future");
}

TEST(VerifierTest, RefusesDuplicateAndTooManyEntries) {
  KeyRun duplicate;
  auto& entries = duplicate.bundle["verificationMaterial"]["tlogEntries"];
  entries.push_back(entries[0]);
  EXPECT_EQ(duplicate.refusal(), "the bundle lists the same tlog entry twice");
  KeyRun many;
  auto& lots = many.bundle["verificationMaterial"]["tlogEntries"];
  for (int i = 0; i < 32; ++i) {
    lots.push_back(lots[0]);
    lots.back()["logIndex"] = std::to_string(100 + i);
  }
  EXPECT_EQ(many.refusal(), "the bundle has too many tlog entries");
  KeyRun no_entries;
  no_entries.bundle["verificationMaterial"]["tlogEntries"] = Json::array();
  EXPECT_EQ(no_entries.refusal(), "no transparency log entry verifies");
}

TEST(VerifierTest, SignatureOnlyIgnoresTheLogButNotTheSignature) {
  KeyRun run;
  run.bundle["verificationMaterial"].erase("tlogEntries");
  const auto check = [&run](const std::string& artifact) {
    return verify_bundle_signature_only(parse_bundle(run.bundle.dump()), artifact_of(artifact),
                                        run.source.signer.public_key());
  };
  EXPECT_EQ(check(run.source.artifact).signer.rfind("key ECDSA P-256", 0), 0U);
  EXPECT_TRUE(check(run.source.artifact).log_indexes.empty());
  EXPECT_NE(message_of([&] { check(run.source.artifact + "x"); }), "");
  SyntheticBundle other;
  EXPECT_NE(message_of([&] {
              verify_bundle_signature_only(parse_bundle(run.bundle.dump()),
                                           artifact_of(run.source.artifact),
                                           other.signer.public_key());
            }),
            "");
}

TEST(VerifierTest, KeyBundleWithoutSetHasNoVerifiedTime) {
  KeyRun run;
  run.bundle["verificationMaterial"]["tlogEntries"][0].erase("inclusionPromise");
  EXPECT_EQ(run.refusal(),
            "the bundle has no verified time (a signed entry timestamp or an RFC 3161 timestamp)");
}

struct RealBundle {
  std::string folder;
  VerificationResult verify(const std::string& identity, const std::string& issuer) const {
    SignerPolicy policy;
    policy.identity = CertificateIdentityMatcher::exactly(identity, issuer);
    return verify_bundle(
        parse_bundle(testing::vector_file("bundle-verify/" + folder + "/bundle.sigstore.json")),
        parse_trusted_root(testing::vector_file("trusted_root.public-good.json")),
        artifact_of(testing::vector_file("bundle-verify/a.txt")), policy, 1'900'000'000);
  }
};

TEST(VerifierTest, RealCertificateBundlesNeedTheExactIdentity) {
  for (const std::string folder :
       {"happy-path-v0.1", "happy-path-v0.3", "happy-path-intoto-in-dsse-v3"}) {
    const RealBundle real{folder};
    const VerificationResult result = real.verify(kIdentity, kIssuer);
    EXPECT_EQ(result.signer, std::string("identity ") + kIdentity + " (issuer " + kIssuer + ")");
    EXPECT_EQ(result.log_indexes.size(), 1U);
    EXPECT_NE(message_of([&] { real.verify(kIdentity, "https://accounts.google.com"); }), "");
    EXPECT_NE(message_of([&] { real.verify("https://github.com/someone/else", kIssuer); }), "");
  }
}

// cosign --insecure-ignore-tlog for certificate bundles: no log entry or timestamp is looked
// at; the chain is checked at `now`, which must fall in the leaf's (short) validity.
struct CertificateNow {
  Bundle bundle =
      parse_bundle(testing::vector_file("bundle-verify/happy-path-v0.3/bundle.sigstore.json"));
  TrustedRoot root = parse_trusted_root(testing::vector_file("trusted_root.public-good.json"));
  Artifact artifact = artifact_of(testing::vector_file("bundle-verify/a.txt"));
  std::int64_t now = certificate_validity(bundle.certificates.front().get()).start + 60;

  VerificationResult verify(const CertificateIdentityMatcher& identity,
                            bool ignore_sct = false) const {
    return verify_bundle_certificate_now(bundle, root, artifact, identity, now, ignore_sct);
  }
};

TEST(VerifierTest, CertificateBundleAtTheCurrentTime) {
  const CertificateNow run;
  const VerificationResult result =
      run.verify(CertificateIdentityMatcher::exactly(kIdentity, kIssuer));
  EXPECT_EQ(result.signer, std::string("identity ") + kIdentity + " (issuer " + kIssuer + ")");
  EXPECT_EQ(result.verified_times, std::vector<std::int64_t>{run.now});
  EXPECT_TRUE(result.log_indexes.empty());
  EXPECT_NO_THROW(run.verify(CertificateIdentityMatcher::from_flags("", "sigstore-conformance/", "",
                                                                    "githubusercontent")));
}

TEST(VerifierTest, CertificateBundleAtTheCurrentTimeRefusals) {
  const auto exact = CertificateIdentityMatcher::exactly(kIdentity, kIssuer);
  CertificateNow expired;
  expired.now = *certificate_validity(expired.bundle.certificates.front().get()).end + 1;
  EXPECT_NE(message_of([&] { expired.verify(exact); }).find("does not chain"), std::string::npos);

  const CertificateNow run;
  EXPECT_NE(message_of([&] {
              run.verify(CertificateIdentityMatcher::exactly(kIdentity, "x"));
            }).find("OIDC issuer"),
            std::string::npos);
  EXPECT_NE(message_of([&] {
              run.verify(CertificateIdentityMatcher::from_flags("", "^sigstore", kIssuer, ""));
            }).find("certificate identity"),
            std::string::npos);

  CertificateNow other_artifact;
  other_artifact.artifact = artifact_of("other");
  EXPECT_NE(message_of([&] { other_artifact.verify(exact); }), "");

  CertificateNow no_ct_logs;
  no_ct_logs.root.ctlogs.clear();
  EXPECT_NE(message_of([&] { no_ct_logs.verify(exact); }).find("SCT"), std::string::npos);
  EXPECT_NO_THROW(no_ct_logs.verify(exact, /*ignore_sct=*/true));

  const Bundle key_signed = parse_bundle(
      testing::vector_file("bundle-verify/managed-key-happy-path/bundle.sigstore.json"));
  EXPECT_EQ(message_of([&] {
              verify_bundle_certificate_now(key_signed, run.root, run.artifact, exact, run.now,
                                            false);
            }),
            "the bundle is signed with a key, not by a certificate");
}

TEST(VerifierTest, RefusesChainsThatCarryTheirOwnRoot) {
  Json bundle = testing::vector_json("bundle-verify/happy-path-v0.1/bundle.sigstore.json");
  const Json root = testing::vector_json("trusted_root.public-good.json");
  auto& chain = bundle["verificationMaterial"]["x509CertificateChain"]["certificates"];
  for (const Json& certificate : root["certificateAuthorities"][1]["certChain"]["certificates"]) {
    chain.push_back(certificate);
  }
  SignerPolicy policy;
  policy.identity = CertificateIdentityMatcher::exactly(kIdentity, kIssuer);
  EXPECT_NE(message_of([&] {
              verify_bundle(parse_bundle(bundle.dump()), parse_trusted_root(root.dump()),
                            artifact_of(testing::vector_file("bundle-verify/a.txt")), policy,
                            1'900'000'000);
            }).find("includes a root certificate"),
            std::string::npos);
}

// Rekor v2 bundles have no integrated time: the RFC 3161 timestamp is the verified time.
VerificationResult verify_rekor2(const Json& bundle, std::int64_t now = 1'900'000'000) {
  SignerPolicy policy;
  policy.identity = CertificateIdentityMatcher::exactly(kIdentity, kIssuer);
  return verify_bundle(
      parse_bundle(bundle.dump()),
      parse_trusted_root(testing::vector_file("bundle-verify/rekor2-happy-path/trusted_root.json")),
      artifact_of(testing::vector_file("bundle-verify/a.txt")), policy, now);
}

Json rekor2_bundle() {
  return testing::vector_json("bundle-verify/rekor2-happy-path/bundle.sigstore.json");
}

TEST(VerifierTest, RekorV2TimeComesFromTheTimestamp) {
  const VerificationResult result = verify_rekor2(rekor2_bundle());
  EXPECT_EQ(result.verified_times, std::vector<std::int64_t>{1749729740});
  EXPECT_EQ(result.log_indexes, std::vector<std::int64_t>{735});
  EXPECT_EQ(message_of([] { verify_rekor2(rekor2_bundle(), 1749729739); }),
            "the bundle has no verified time (a signed entry timestamp or an RFC 3161 timestamp): "
            "RFC 3161 timestamp 0 skipped: its time 1749729740 is in the future");
}

TEST(VerifierTest, TimestampsThatDoNotVerifyDoNotCount) {
  // As in sigstore-go: an unverifiable timestamp is skipped, another one can stand in.
  Json bundle = rekor2_bundle();
  auto& timestamps =
      bundle["verificationMaterial"]["timestampVerificationData"]["rfc3161Timestamps"];
  timestamps.push_back({{"signedTimestamp", encode_base64("not a timestamp")}});
  EXPECT_EQ(verify_rekor2(bundle).verified_times, std::vector<std::int64_t>{1749729740});
  timestamps.erase(timestamps.begin());
  EXPECT_NE(message_of([&] {
              verify_rekor2(bundle);
            }).find("RFC 3161 timestamp 0 skipped: the RFC 3161 timestamp is not a DER"),
            std::string::npos);
  Json twice = rekor2_bundle();
  auto& same = twice["verificationMaterial"]["timestampVerificationData"]["rfc3161Timestamps"];
  same.push_back(same[0]);
  EXPECT_EQ(message_of([&] { verify_rekor2(twice); }),
            "the bundle lists the same RFC 3161 timestamp twice");
}

TEST(VerifierTest, RekorV2EntryMustStillBeProven) {
  Json bundle = rekor2_bundle();
  bundle["verificationMaterial"]["tlogEntries"][0]["inclusionProof"]["hashes"][0] =
      encode_base64(std::string(32, '\0'));
  EXPECT_EQ(message_of([&] { verify_rekor2(bundle); }),
            "tlog entry 0: the inclusion proof does not lead to its root hash");
}

}  // namespace
}  // namespace sluice::verify::sigstore
