// verify_gitsign_signature against signatures made at test time by the test gitsign
// (tests/support/gitsign_fixture.h): its own CA, leaf and log key.
#include "verify/gitsign.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/error.h"
#include "core/sha256.h"
#include "gitsign_fixture.h"
#include "verify/sigstore/certificate.h"

namespace sluice::verify {
namespace {

using sluice::testing::EntryFields;
using sluice::testing::GitsignFixture;
using sluice::testing::SignOptions;
using ::testing::HasSubstr;

constexpr std::int64_t kNow = 1700000200;
const std::string kPayload =
    "tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n"
    "author Alice <alice@example.com> 1700000100 +0000\n"
    "committer Alice <alice@example.com> 1700000100 +0000\n\nsigned\n";

GitsignOptions at_now(bool ignore_tlog = false) {
  GitsignOptions options;
  options.now = kNow;
  options.insecure_ignore_tlog = ignore_tlog;
  return options;
}

class GitsignTest : public ::testing::Test {
 protected:
  GitsignFixture fixture;
  sigstore::TrustedRoot root = sigstore::parse_trusted_root(fixture.trusted_root_json());

  GitsignSigner verify(const std::string& armored, const std::string& payload = kPayload,
                       const GitsignOptions& options = at_now()) const {
    return verify_gitsign_signature(armored, payload, root, options);
  }
  std::string rejection(const std::string& armored, const std::string& payload = kPayload,
                        const GitsignOptions& options = at_now()) const {
    try {
      verify(armored, payload, options);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kVerificationFailed) << e.message();
      return e.message();
    }
    ADD_FAILURE() << "the signature unexpectedly verified";
    return "";
  }
  std::string signed_with(const std::function<void(EntryFields&)>& edit) const {
    SignOptions options;
    options.edit_entry = edit;
    return fixture.sign(kPayload, options);
  }
};

TEST_F(GitsignTest, GoodSignatureReturnsTheCertificateIdentityAndTheLoggedTime) {
  const GitsignSigner signer = verify(fixture.sign(kPayload));
  EXPECT_EQ(signer.identity.subject_alternative_names,
            std::vector<std::string>{"alice@example.com"});
  EXPECT_EQ(signer.identity.oidc_issuer, "https://issuer.example.com");
  EXPECT_EQ(signer.log_index, 2);
  EXPECT_EQ(signer.verified_time, 1700000100);
  EXPECT_TRUE(signer.time_from_tlog);
  EXPECT_EQ(signer.certificate_fingerprint,
            "SHA256:" + sha256_hex(sigstore::certificate_der(fixture.leaf())));
  // The caller's exact identity check.
  EXPECT_NO_THROW(sigstore::check_certificate_identity(signer.identity, "alice@example.com",
                                                       "https://issuer.example.com"));
  EXPECT_THROW(sigstore::check_certificate_identity(signer.identity, "bob@example.com",
                                                    "https://issuer.example.com"),
               Error);
  EXPECT_THROW(sigstore::check_certificate_identity(signer.identity, "alice@example.com",
                                                    "https://other.example.com"),
               Error);
}

TEST_F(GitsignTest, UriIdentityAndAnEmbeddedBodyVerifyToo) {
  fixture.reissue_leaf({"https://github.com/org/repo/.github/workflows/ci.yml@refs/heads/main",
                        "https://token.actions.githubusercontent.com", 1700000000, 1700000600});
  const GitsignSigner signer =
      verify(signed_with([](EntryFields& entry) { entry.embed_body = true; }));
  EXPECT_EQ(signer.identity.subject_alternative_names.at(0),
            "https://github.com/org/repo/.github/workflows/ci.yml@refs/heads/main");
}

TEST_F(GitsignTest, TamperedObjectFails) {
  EXPECT_THAT(rejection(fixture.sign(kPayload), kPayload + "x"), HasSubstr("does not verify"));
  std::string other = kPayload;
  other[10] = 'f';
  EXPECT_THAT(rejection(fixture.sign(kPayload), other), HasSubstr("does not verify"));
}

TEST_F(GitsignTest, CertificateOfAnotherCaFails) {
  const GitsignFixture stranger;
  sigstore::TrustedRoot mixed = root;
  mixed.certificate_authorities =
      sigstore::parse_trusted_root(stranger.trusted_root_json()).certificate_authorities;
  EXPECT_THAT(
      [&] {
        try {
          verify_gitsign_signature(fixture.sign(kPayload), kPayload, mixed, at_now());
        } catch (const Error& e) {
          return e.message();
        }
        return std::string();
      }(),
      HasSubstr("does not chain to a trusted Fulcio CA"));
  // And a stranger's signature with its own log is not trusted by this root at all.
  EXPECT_THAT(rejection(stranger.sign(kPayload)), HasSubstr("is not trusted"));
}

TEST_F(GitsignTest, EntryForAnotherSignatureFails) {
  // The logged body names another digest: the SET verifies over it, the body check does not.
  EXPECT_THAT(rejection(signed_with([](EntryFields& entry) {
                entry.embed_body = true;
                const std::size_t at = entry.body.find("\"value\":\"") + 9;
                entry.body[at] = entry.body[at] == '0' ? '1' : '0';
              })),
              HasSubstr("the logged artifact digest differs"));
  // Not embedded (as gitsign writes it): the rebuilt body is not what the SET signed.
  EXPECT_THAT(rejection(signed_with([](EntryFields& entry) {
                const std::size_t at = entry.body.find("\"value\":\"") + 9;
                entry.body[at] = entry.body[at] == '0' ? '1' : '0';
              })),
              HasSubstr("signed entry timestamp"));
  EXPECT_THAT(rejection(signed_with([](EntryFields& entry) { entry.kind = "rekord"; })),
              HasSubstr("not hashedrekord 0.0.1"));
}

TEST_F(GitsignTest, BadSignedEntryTimestampFails) {
  EXPECT_THAT(rejection(signed_with([](EntryFields& entry) { entry.set_payload_suffix = " "; })),
              HasSubstr("signed entry timestamp"));
  // A log index other than the one the SET signed.
  EXPECT_THAT(rejection(signed_with([](EntryFields& entry) { entry.log_index = 7; })),
              HasSubstr("transparency log entry 7"));
}

TEST_F(GitsignTest, EntryWithoutAnInclusionProofFails) {
  // gitsign (cosign's offline check) requires the proof, not only the SET.
  EXPECT_THAT(rejection(signed_with([](EntryFields& entry) { entry.with_proof = false; })),
              HasSubstr("no inclusion proof"));
  EXPECT_THAT(rejection(signed_with([](EntryFields& entry) { entry.wrong_proof_hash = true; })),
              HasSubstr("does not lead to its root hash"));
}

TEST_F(GitsignTest, LogUnknownToTheTrustedRootFails) {
  root.tlogs.clear();
  EXPECT_THAT(rejection(fixture.sign(kPayload)), HasSubstr("is not trusted"));
}

TEST_F(GitsignTest, MissingTlogEntryIsRefusedUnlessIgnored) {
  SignOptions options;
  options.with_tlog = false;
  const std::string armored = fixture.sign(kPayload, options);
  EXPECT_THAT(rejection(armored), HasSubstr("no transparency log entry"));
  const GitsignSigner signer = verify(armored, kPayload, at_now(true));
  EXPECT_FALSE(signer.time_from_tlog);
  EXPECT_FALSE(signer.log_index);
  EXPECT_EQ(signer.verified_time, 1700000100);
  // Ignored means ignored: a signature with an entry verifies the same way.
  EXPECT_FALSE(verify(fixture.sign(kPayload), kPayload, at_now(true)).log_index);
  // The signing time then decides the certificate's validity.
  options.signing_time = 1700000700;
  EXPECT_THAT(rejection(fixture.sign(kPayload, options), kPayload, at_now(true)),
              HasSubstr("does not chain"));
}

TEST_F(GitsignTest, CertificateNotValidAtTheIntegratedTimeFails) {
  EXPECT_THAT(rejection(signed_with([](EntryFields& entry) {
                          entry.integrated_time = 1700000700;  // after the leaf's notAfter
                        }),
                        kPayload,
                        [] {
                          GitsignOptions options = at_now();
                          options.now = 1700001000;
                          return options;
                        }()),
              HasSubstr("outside the signing certificate's validity"));
  EXPECT_THAT(
      rejection(signed_with([](EntryFields& entry) { entry.integrated_time = 1699999000; })),
      HasSubstr("outside the signing certificate's validity"));
  // An integrated time after "now" is refused.
  GitsignOptions early = at_now();
  early.now = 1700000050;
  EXPECT_THAT(rejection(fixture.sign(kPayload), kPayload, early), HasSubstr("in the future"));
}

TEST_F(GitsignTest, CtLogsInTheTrustedRootRequireAnEmbeddedSct) {
  root.ctlogs.push_back(root.tlogs.front());
  EXPECT_THAT(rejection(fixture.sign(kPayload)), HasSubstr("SCT"));
}

TEST_F(GitsignTest, MalformedSignaturesFailCleanly) {
  EXPECT_THAT(rejection("-----BEGIN SSH SIGNATURE-----\nAAAA\n-----END SSH SIGNATURE-----\n"),
              HasSubstr("does not start with"));
  EXPECT_THAT(rejection(std::string(300 * 1024, 'A')), HasSubstr("larger than"));
}

}  // namespace
}  // namespace sluice::verify
