// Fulcio certificates: chains to the trusted root's CAs at a given time, the leaf profile,
// identity and OIDC issuer extraction, and embedded SCTs; real certificates from the vectors
// and small ones made here for the cases real ones do not cover.
#include "verify/sigstore/certificate.h"

#include <gtest/gtest.h>
#include <openssl/x509v3.h>

#include "sigstore_test_support.h"
#include "verify/sigstore/bundle.h"

namespace sluice::verify::sigstore {
namespace {

using testing::code_of;
using testing::TestKey;

constexpr ErrorCode kFailed = ErrorCode::kVerificationFailed;
constexpr const char* kIdentity =
    "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/"
    "workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
constexpr const char* kIssuer = "https://token.actions.githubusercontent.com";

struct RealLeaf {
  Bundle bundle =
      parse_bundle(testing::vector_file("bundle-verify/happy-path-v0.3/bundle.sigstore.json"));
  TrustedRoot root = parse_trusted_root(testing::vector_file("trusted_root.public-good.json"));
  X509* leaf() const { return bundle.certificates.front().get(); }
  std::int64_t signed_at() const { return *bundle.tlog_entries.front().integrated_time; }
};

TEST(CertificateTest, RealLeafChainsToFulcioWhileValid) {
  const RealLeaf real;
  const CertificatePtr issuer = verify_certificate_chain(real.leaf(), real.root, real.signed_at());
  ASSERT_TRUE(issuer);
  EXPECT_EQ(certificate_der(issuer.get()),
            certificate_der(real.root.certificate_authorities[1].chain[0].get()));
  const TimeWindow validity = certificate_validity(real.leaf());
  EXPECT_EQ(*validity.end - validity.start, 600);  // Fulcio certificates live ten minutes
  EXPECT_TRUE(validity.contains(real.signed_at()));
  EXPECT_EQ(code_of([&] { verify_certificate_chain(real.leaf(), real.root, validity.start - 1); }),
            kFailed);
  EXPECT_EQ(code_of([&] { verify_certificate_chain(real.leaf(), real.root, *validity.end + 1); }),
            kFailed);
}

TEST(CertificateTest, ChainNeedsACaOfTheTrustedRootValidThen) {
  const RealLeaf real;
  TrustedRoot narrowed = real.root;
  narrowed.certificate_authorities[1].valid_for.end = real.signed_at() - 1;
  EXPECT_EQ(code_of([&] { verify_certificate_chain(real.leaf(), narrowed, real.signed_at()); }),
            kFailed);
  const TrustedRoot staging =
      parse_trusted_root(testing::vector_file("bundle-verify/rekor2-happy-path/trusted_root.json"));
  EXPECT_EQ(code_of([&] { verify_certificate_chain(real.leaf(), staging, real.signed_at()); }),
            kFailed);
}

TEST(CertificateTest, ReadsIdentityAndIssuer) {
  const RealLeaf real;
  const CertificateIdentity identity = certificate_identity(real.leaf());
  EXPECT_EQ(identity.subject_alternative_names, std::vector<std::string>{kIdentity});
  EXPECT_EQ(identity.oidc_issuer, kIssuer);
  EXPECT_EQ(identity.legacy_oidc_issuer, kIssuer);  // Fulcio writes .1.1 and .1.8 alike
  const auto check = [&](const std::string& subject, const std::string& issuer) {
    return code_of([&] {
      check_certificate_identity(identity, CertificateIdentityMatcher::exactly(subject, issuer));
    });
  };
  EXPECT_EQ(check(kIdentity, kIssuer), ErrorCode::kInternal);  // kInternal: nothing thrown
  EXPECT_NO_THROW(check_certificate_identity(identity, kIdentity, kIssuer));
  EXPECT_EQ(code_of([&] { check_certificate_identity(identity, kIdentity, "x"); }), kFailed);
  EXPECT_EQ(check(kIdentity, "https://accounts.google.com"), kFailed);
  EXPECT_EQ(check(std::string(kIdentity) + "x", kIssuer), kFailed);
  // Exact, not prefix or case-insensitive matching.
  EXPECT_EQ(check("https://github.com/", kIssuer), kFailed);
  EXPECT_EQ(check(kIdentity, "HTTPS://token.actions.githubusercontent.com"), kFailed);
}

TEST(CertificateTest, MatchesIdentityAndIssuerByRegexp) {
  const RealLeaf real;
  const CertificateIdentity identity = certificate_identity(real.leaf());
  const auto check = [&](const std::string& subject, const std::string& subject_regexp,
                         const std::string& issuer, const std::string& issuer_regexp) {
    const auto matcher =
        CertificateIdentityMatcher::from_flags(subject, subject_regexp, issuer, issuer_regexp);
    EXPECT_EQ(matcher.matches(identity), code_of([&] {
                                           check_certificate_identity(identity, matcher);
                                         }) == ErrorCode::kInternal);
    return matcher.matches(identity);
  };
  EXPECT_TRUE(check("", "^https://github\\.com/sigstore-conformance/", kIssuer, ""));
  EXPECT_TRUE(check("", "sigstore-conformance", "", "githubusercontent"));  // unanchored
  EXPECT_TRUE(check(kIdentity, "beacon", "", "^https://token\\.actions\\."));
  EXPECT_FALSE(check("", "^sigstore-conformance", kIssuer, ""));
  EXPECT_FALSE(check("", "beacon", "", "accounts\\.google\\.com"));
  EXPECT_FALSE(check(kIdentity, "gitlab", kIssuer, ""));  // both given: both must hold
  EXPECT_FALSE(check("", "GITHUB", kIssuer, ""));         // case-sensitive
  EXPECT_EQ(CertificateIdentityMatcher::from_flags("", "beacon$", kIssuer, "").to_string(),
            std::string("identity /beacon$/ (issuer ") + kIssuer + ")");
}

TEST(CertificateTest, IdentityMatcherNeedsBothPartsAndValidRegexps) {
  const auto code = [](const std::string& subject, const std::string& subject_regexp,
                       const std::string& issuer, const std::string& issuer_regexp) {
    return code_of([&] {
      CertificateIdentityMatcher::from_flags(subject, subject_regexp, issuer, issuer_regexp);
    });
  };
  EXPECT_EQ(code("", "", kIssuer, ""), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code(kIdentity, "", "", ""), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code("", "(", kIssuer, ""), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code(kIdentity, "", "", "a{2,1}"), ErrorCode::kInvalidArgument);
  // A default matcher matches no certificate.
  const RealLeaf real;
  EXPECT_FALSE(CertificateIdentityMatcher{}.matches(certificate_identity(real.leaf())));
}

TEST(CertificateTest, VerifiesEmbeddedScts) {
  const RealLeaf real;
  const CertificatePtr issuer = verify_certificate_chain(real.leaf(), real.root, real.signed_at());
  EXPECT_NO_THROW(verify_embedded_scts(real.leaf(), issuer.get(), real.root));
  TrustedRoot other_logs = real.root;
  for (TransparencyLog& log : other_logs.ctlogs) log.key = TestKey::ec_p256().public_key();
  EXPECT_EQ(code_of([&] { verify_embedded_scts(real.leaf(), issuer.get(), other_logs); }), kFailed);
  TrustedRoot no_logs = real.root;
  no_logs.ctlogs.clear();
  EXPECT_EQ(code_of([&] { verify_embedded_scts(real.leaf(), issuer.get(), no_logs); }), kFailed);
  // The SCT binds the issuer's key: another issuer does not verify.
  EXPECT_EQ(code_of([&] { verify_embedded_scts(real.leaf(), real.leaf(), real.root); }), kFailed);
}

TEST(CertificateTest, SctWithExtensionsVerifies) {
  const Bundle bundle = parse_bundle(
      testing::vector_file("bundle-verify/bundle-with-sct-with-extensions/bundle.sigstore.json"));
  const TrustedRoot root = parse_trusted_root(
      testing::vector_file("bundle-verify/bundle-with-sct-with-extensions/trusted_root.json"));
  X509* leaf = bundle.certificates.front().get();
  const CertificatePtr issuer =
      verify_certificate_chain(leaf, root, certificate_validity(leaf).start);
  EXPECT_NO_THROW(verify_embedded_scts(leaf, issuer.get(), root));
}

// A certificate made here, signed by `signer` (itself when null), with the given extensions
// ("extendedKeyUsage" = "codeSigning" and the like, in OpenSSL's config syntax).
CertificatePtr make_certificate(const TestKey& key,
                                const std::vector<std::pair<int, std::string>>& extensions,
                                const std::vector<std::pair<std::string, std::string>>& raw = {}) {
  X509* certificate = X509_new();
  X509_set_version(certificate, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(certificate), 1);
  X509_gmtime_adj(X509_getm_notBefore(certificate), -60);
  X509_gmtime_adj(X509_getm_notAfter(certificate), 600);
  X509_set_pubkey(certificate, key.get());
  X509_NAME_add_entry_by_txt(X509_get_subject_name(certificate), "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("test"), -1, -1, 0);
  X509_set_issuer_name(certificate, X509_get_subject_name(certificate));
  X509V3_CTX context;
  X509V3_set_ctx(&context, certificate, certificate, nullptr, nullptr, 0);
  for (const auto& [nid, value] : extensions) {
    X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value.c_str());
    X509_add_ext(certificate, extension, -1);
    X509_EXTENSION_free(extension);
  }
  for (const auto& [oid, bytes] : raw) {
    ASN1_OBJECT* object = OBJ_txt2obj(oid.c_str(), 1);
    ASN1_OCTET_STRING* data = ASN1_OCTET_STRING_new();
    ASN1_OCTET_STRING_set(data, reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
    X509_EXTENSION* extension = X509_EXTENSION_create_by_OBJ(nullptr, object, 0, data);
    X509_add_ext(certificate, extension, -1);
    X509_EXTENSION_free(extension);
    ASN1_OCTET_STRING_free(data);
    ASN1_OBJECT_free(object);
  }
  X509_sign(certificate, key.get(), EVP_sha256());
  return {certificate, X509_free};
}

TEST(CertificateTest, LegacyIssuerExtensionIsARawString) {
  const TestKey key = TestKey::ec_p256();
  const CertificatePtr legacy =
      make_certificate(key, {{NID_subject_alt_name, "email:dev@example.com"}},
                       {{"1.3.6.1.4.1.57264.1.1", "https://accounts.example.com"}});
  const CertificateIdentity identity = certificate_identity(legacy.get());
  EXPECT_EQ(identity.subject_alternative_names, std::vector<std::string>{"dev@example.com"});
  EXPECT_EQ(identity.oidc_issuer, "https://accounts.example.com");
  // The current extension is a DER UTF8String and wins over the legacy one.
  const CertificatePtr both = make_certificate(
      key, {},
      {{"1.3.6.1.4.1.57264.1.1", "https://legacy.example.com"},
       {"1.3.6.1.4.1.57264.1.8", std::string("\x0c\x17https://new.example.com", 25)}});
  EXPECT_EQ(certificate_identity(both.get()).oidc_issuer, "https://new.example.com");
}

TEST(CertificateTest, RefusesMalformedIssuerExtensions) {
  const TestKey key = TestKey::ec_p256();
  for (const std::string& bad : {std::string("https://raw.example.com"),
                                 std::string("\x0c\x05https://x", 11),  // length too short
                                 std::string("\x0c\x01xx", 4),          // trailing byte
                                 std::string("\x04\x01x", 3)}) {        // not a UTF8String
    const CertificatePtr certificate = make_certificate(key, {}, {{"1.3.6.1.4.1.57264.1.8", bad}});
    EXPECT_EQ(code_of([&] { certificate_identity(certificate.get()); }), kFailed);
  }
  const CertificatePtr twice =
      make_certificate(key, {}, {{"1.3.6.1.4.1.57264.1.1", "a"}, {"1.3.6.1.4.1.57264.1.1", "b"}});
  EXPECT_EQ(code_of([&] { certificate_identity(twice.get()); }), kFailed);
}

TEST(CertificateTest, LeafMustBeACodeSigningNonCa) {
  const RealLeaf real;
  const TestKey key = TestKey::ec_p256();
  const CertificatePtr no_eku = make_certificate(key, {{NID_key_usage, "digitalSignature"}});
  const CertificatePtr server = make_certificate(key, {{NID_ext_key_usage, "serverAuth"}});
  const CertificatePtr ca = make_certificate(
      key, {{NID_basic_constraints, "critical,CA:TRUE"}, {NID_ext_key_usage, "codeSigning"}});
  const CertificatePtr no_signing = make_certificate(
      key, {{NID_key_usage, "keyEncipherment"}, {NID_ext_key_usage, "codeSigning"}});
  for (const CertificatePtr& certificate : {no_eku, server, ca, no_signing}) {
    EXPECT_NE(testing::message_of([&] {
                verify_certificate_chain(certificate.get(), real.root, real.signed_at());
              }).find("signing certificate"),
              std::string::npos);
  }
  // A code-signing leaf of an unknown CA is refused by the chain check.
  const CertificatePtr stranger = make_certificate(key, {{NID_ext_key_usage, "codeSigning"}});
  EXPECT_EQ(code_of([&] { verify_certificate_chain(stranger.get(), real.root, real.signed_at()); }),
            kFailed);
}

TEST(CertificateTest, TellsSelfSignedRoots) {
  const RealLeaf real;
  EXPECT_FALSE(is_self_signed(real.leaf()));
  EXPECT_TRUE(is_self_signed(real.root.certificate_authorities[1].chain.back().get()));
  EXPECT_FALSE(is_self_signed(real.root.certificate_authorities[1].chain.front().get()));
}

}  // namespace
}  // namespace sluice::verify::sigstore
