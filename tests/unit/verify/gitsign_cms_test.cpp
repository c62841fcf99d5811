// The CMS reader on signatures made at test time (tests/support/gitsign_fixture.h) and on
// malformed variants of them.
#include "verify/gitsign_cms.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/base64.h"
#include "core/error.h"
#include "gitsign_fixture.h"
#include "verify/sigstore/crypto.h"

namespace sluice::verify {
namespace {

using sluice::testing::GitsignFixture;
using ::testing::HasSubstr;

const std::string kPayload = "tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n\nmessage\n";

std::string message_of(std::string_view armored) {
  try {
    parse_cms_signature(armored);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kVerificationFailed);
    return e.message();
  }
  ADD_FAILURE() << "parsed";
  return "";
}

std::string der_of(const std::string& armored) {
  const std::size_t begin = armored.find('\n') + 1;
  const std::size_t end = armored.find("-----END");
  return *decode_base64(armored.substr(begin, end - begin), Base64Whitespace::kSkip);
}

std::string armor(const std::string& der) {
  return "-----BEGIN SIGNED MESSAGE-----\n" + encode_base64(der) +
         "\n-----END SIGNED MESSAGE-----\n";
}

TEST(GitsignCms, ReadsTheSignerAttributesAndTheLogEntry) {
  const GitsignFixture fixture;
  const CmsSignature parsed = parse_cms_signature(fixture.sign(kPayload));
  EXPECT_EQ(X509_cmp(parsed.signer.get(), fixture.leaf()), 0);
  EXPECT_EQ(parsed.signing_time, 1700000100);
  ASSERT_TRUE(parsed.tlog_entry);
  EXPECT_EQ(parsed.tlog_entry->front(), '\x08');  // field 1 (logIndex), varint
  ASSERT_FALSE(parsed.signed_attributes.empty());
  EXPECT_EQ(parsed.signed_attributes.front(), '\x31');  // a SET
  EXPECT_TRUE(sigstore::verify_signature_with_digest(
      sigstore::certificate_key(fixture.leaf()).get(), EVP_sha256(), parsed.signed_attributes,
      parsed.signature));
  EXPECT_NO_THROW(verify_cms_signature(parsed, kPayload));
  EXPECT_THROW(verify_cms_signature(parsed, kPayload + "\n"), Error);
  // Armor tolerates trailing whitespace (git keeps a final newline) but nothing else.
  const std::string armored = fixture.sign(kPayload);
  EXPECT_NO_THROW(parse_cms_signature(armored + "\n\n"));
  EXPECT_THAT(message_of(armored + "x"), HasSubstr("does not end with"));
  EXPECT_THAT(message_of(armored + armored), HasSubstr("more than one armor block"));
}

TEST(GitsignCms, MalformedInputIsRefusedWithAReason) {
  const GitsignFixture fixture;
  const std::string der = der_of(fixture.sign(kPayload));
  EXPECT_THAT(message_of(""), HasSubstr("does not start with"));
  EXPECT_THAT(message_of("-----BEGIN SIGNED MESSAGE-----\n-----END SIGNED MESSAGE-----\n"),
              HasSubstr("does not end with"));
  EXPECT_THAT(message_of("-----BEGIN SIGNED MESSAGE-----\n!!!!\n-----END SIGNED MESSAGE-----\n"),
              HasSubstr("not base64"));
  EXPECT_THAT(message_of(armor(der + std::string(1, '\0'))), HasSubstr("trailing bytes"));
  EXPECT_THAT(message_of(armor(der.substr(0, der.size() / 2))), HasSubstr("not a DER CMS"));
  EXPECT_THAT(message_of(armor("\x30\x03\x02\x01\x01")), HasSubstr("not a DER CMS"));
  EXPECT_THAT(message_of(std::string(kMaxCmsSignatureBytes + 1, 'A')), HasSubstr("larger than"));
  // Every truncation of the DER fails cleanly.
  for (std::size_t size = 0; size < der.size(); size += 7) {
    EXPECT_THROW(parse_cms_signature(armor(der.substr(0, size))), Error) << size;
  }
}

TEST(GitsignCms, AttachedSignaturesAreRefused) {
  const GitsignFixture fixture;
  const std::string armored = fixture.sign(kPayload);
  CmsSignature parsed = parse_cms_signature(armored);
  // Re-encode with the content attached.
  ASSERT_EQ(CMS_set_detached(parsed.cms.get(), 0), 1);
  ASN1_OCTET_STRING** content = CMS_get0_content(parsed.cms.get());
  ASSERT_NE(content, nullptr);
  ASSERT_EQ(ASN1_OCTET_STRING_set(*content, reinterpret_cast<const unsigned char*>(kPayload.data()),
                                  static_cast<int>(kPayload.size())),
            1);
  unsigned char* der = nullptr;
  const int size = i2d_CMS_ContentInfo(parsed.cms.get(), &der);
  ASSERT_GT(size, 0);
  const std::string attached(reinterpret_cast<char*>(der), static_cast<std::size_t>(size));
  OPENSSL_free(der);
  EXPECT_THAT(message_of(armor(attached)), HasSubstr("not detached"));
}

}  // namespace
}  // namespace sluice::verify
