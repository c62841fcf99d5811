#include "verify/gitsign_cms.h"

#include <algorithm>
#include <climits>
#include <vector>

#include <openssl/err.h>
#include <openssl/objects.h>

#include "core/base64.h"
#include "core/error.h"
#include "core/unique_c_ptr.h"

namespace sluice::verify {
namespace {

constexpr std::string_view kBegin = "-----BEGIN SIGNED MESSAGE-----";
constexpr std::string_view kEnd = "-----END SIGNED MESSAGE-----";

[[noreturn]] void fail(const std::string& reason) {
  throw Error(ErrorCode::kVerificationFailed, "CMS signature: " + reason);
}

std::string_view trim_trailing_whitespace(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ' ||
                           text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return text;
}

std::string dearmor(std::string_view armored) {
  const std::string_view text = trim_trailing_whitespace(armored);
  if (!text.starts_with(kBegin) || text.size() <= kBegin.size() || text[kBegin.size()] != '\n') {
    fail("does not start with a \"" + std::string(kBegin) + "\" line");
  }
  if (!text.ends_with(kEnd) || text.size() < kBegin.size() + kEnd.size() + 2 ||
      text[text.size() - kEnd.size() - 1] != '\n') {
    fail("does not end with a \"" + std::string(kEnd) + "\" line");
  }
  const std::string_view body =
      text.substr(kBegin.size() + 1, text.size() - kBegin.size() - kEnd.size() - 2);
  if (body.find("-----") != std::string_view::npos) fail("has more than one armor block");
  std::optional<std::string> der = decode_base64(body, Base64Whitespace::kSkip);
  if (!der || der->empty()) fail("the armored body is not base64");
  return std::move(*der);
}

std::string der_length(std::size_t length) {
  if (length < 0x80) return std::string(1, static_cast<char>(length));
  std::string bytes;
  for (std::size_t rest = length; rest > 0; rest >>= 8) {
    bytes.insert(bytes.begin(), static_cast<char>(rest & 0xff));
  }
  return static_cast<char>(0x80 | bytes.size()) + bytes;
}

// DER of the signed attributes as the SET OF the signature covers: the attributes' encodings in
// ascending byte order (X.690 11.6), which is also how OpenSSL re-encodes them to verify.
std::string signed_attributes_der(CMS_SignerInfo* signer_info) {
  const int count = CMS_signed_get_attr_count(signer_info);
  if (count <= 0) fail("the signer has no signed attributes");
  std::vector<std::string> encodings;
  for (int i = 0; i < count; ++i) {
    unsigned char* der = nullptr;
    const int size = i2d_X509_ATTRIBUTE(CMS_signed_get_attr(signer_info, i), &der);
    if (size <= 0) fail("a signed attribute cannot be encoded");
    encodings.emplace_back(reinterpret_cast<const char*>(der), static_cast<std::size_t>(size));
    OPENSSL_free(der);
  }
  std::sort(encodings.begin(), encodings.end(), [](const std::string& a, const std::string& b) {
    return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
      return static_cast<unsigned char>(x) < static_cast<unsigned char>(y);
    });
  });
  std::string content;
  for (const std::string& encoding : encodings) content += encoding;
  return "\x31" + der_length(content.size()) + content;
}

// The single value of the only signed (or unsigned) attribute `nid`/`oid`, or nullptr.
const ASN1_TYPE* only_value(X509_ATTRIBUTE* attribute, const std::string& name) {
  if (X509_ATTRIBUTE_count(attribute) != 1) fail("the " + name + " attribute has not one value");
  return X509_ATTRIBUTE_get0_type(attribute, 0);
}

void check_content_type(CMS_ContentInfo* cms, CMS_SignerInfo* signer_info) {
  if (OBJ_obj2nid(CMS_get0_eContentType(cms)) != NID_pkcs7_data) fail("the content is not data");
  const int index = CMS_signed_get_attr_by_NID(signer_info, NID_pkcs9_contentType, -1);
  if (index < 0) fail("the content-type attribute is missing");
  if (CMS_signed_get_attr_by_NID(signer_info, NID_pkcs9_contentType, index) >= 0) {
    fail("the content-type attribute appears twice");
  }
  const ASN1_TYPE* value = only_value(CMS_signed_get_attr(signer_info, index), "content-type");
  if (value->type != V_ASN1_OBJECT || OBJ_obj2nid(value->value.object) != NID_pkcs7_data) {
    fail("the content-type attribute is not id-data");
  }
}

std::optional<std::int64_t> signing_time(CMS_SignerInfo* signer_info) {
  const int index = CMS_signed_get_attr_by_NID(signer_info, NID_pkcs9_signingTime, -1);
  if (index < 0) return std::nullopt;
  if (CMS_signed_get_attr_by_NID(signer_info, NID_pkcs9_signingTime, index) >= 0) {
    fail("the signing-time attribute appears twice");
  }
  const ASN1_TYPE* value = only_value(CMS_signed_get_attr(signer_info, index), "signing-time");
  const std::optional<std::int64_t> time =
      value->type == V_ASN1_UTCTIME || value->type == V_ASN1_GENERALIZEDTIME
          ? sigstore::asn1_time_seconds(value->value.utctime)
          : std::nullopt;
  if (!time) fail("the signing-time attribute is not a time");
  return time;
}

std::optional<std::string> tlog_entry(CMS_SignerInfo* signer_info) {
  const UniqueCPtr<ASN1_OBJECT, ASN1_OBJECT_free> oid(
      OBJ_txt2obj(kRekorTransparencyLogEntryOid, 1));
  const int index = CMS_unsigned_get_attr_by_OBJ(signer_info, oid.get(), -1);
  if (index < 0) return std::nullopt;
  if (CMS_unsigned_get_attr_by_OBJ(signer_info, oid.get(), index) >= 0) {
    fail("the transparency log entry attribute appears twice");
  }
  const ASN1_TYPE* value =
      only_value(CMS_unsigned_get_attr(signer_info, index), "transparency log entry");
  if (value->type != V_ASN1_OCTET_STRING) {
    fail("the transparency log entry attribute is not an OCTET STRING");
  }
  return sigstore::asn1_string_bytes(value->value.octet_string);
}

sigstore::CertificatePtr signer_certificate(CMS_ContentInfo* cms, CMS_SignerInfo* signer_info) {
  STACK_OF(X509)* certificates = CMS_get1_certs(cms);
  sigstore::CertificatePtr found;
  for (int i = 0; certificates != nullptr && i < sk_X509_num(certificates); ++i) {
    X509* certificate = sk_X509_value(certificates, i);
    if (!found && CMS_SignerInfo_cert_cmp(signer_info, certificate) == 0) {
      X509_up_ref(certificate);
      found = sigstore::CertificatePtr(certificate, X509_free);
    }
  }
  sk_X509_pop_free(certificates, X509_free);
  if (!found) fail("the signer's certificate is not in the signature");
  return found;
}

}  // namespace

CmsSignature parse_cms_signature(std::string_view armored) {
  if (armored.size() > kMaxCmsSignatureBytes) {
    fail("larger than " + std::to_string(kMaxCmsSignatureBytes) + " bytes");
  }
  const std::string der = dearmor(armored);
  const auto* cursor = reinterpret_cast<const unsigned char*>(der.data());
  CmsSignature result;
  result.cms = std::shared_ptr<CMS_ContentInfo>(
      d2i_CMS_ContentInfo(nullptr, &cursor, static_cast<long>(der.size())), CMS_ContentInfo_free);
  ERR_clear_error();
  if (!result.cms) fail("the armored body is not a DER CMS ContentInfo");
  if (cursor != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) {
    fail("trailing bytes after the DER ContentInfo");
  }
  CMS_ContentInfo* cms = result.cms.get();
  if (OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed) fail("not a SignedData");
  if (CMS_is_detached(cms) != 1) fail("the signature is not detached");
  STACK_OF(CMS_SignerInfo)* signer_infos = CMS_get0_SignerInfos(cms);
  if (signer_infos == nullptr || sk_CMS_SignerInfo_num(signer_infos) != 1) {
    fail("there is not exactly one signer");
  }
  CMS_SignerInfo* signer_info = sk_CMS_SignerInfo_value(signer_infos, 0);
  X509_ALGOR* digest = nullptr;
  CMS_SignerInfo_get0_algs(signer_info, nullptr, nullptr, &digest, nullptr);
  const ASN1_OBJECT* digest_oid = nullptr;
  X509_ALGOR_get0(&digest_oid, nullptr, nullptr, digest);
  if (OBJ_obj2nid(digest_oid) != NID_sha256) fail("the digest algorithm is not SHA-256");
  check_content_type(cms, signer_info);
  result.signer = signer_certificate(cms, signer_info);
  result.signature = sigstore::asn1_string_bytes(CMS_SignerInfo_get0_signature(signer_info));
  result.signed_attributes = signed_attributes_der(signer_info);
  result.signing_time = signing_time(signer_info);
  result.tlog_entry = tlog_entry(signer_info);
  return result;
}

void verify_cms_signature(const CmsSignature& signature, std::string_view payload) {
  if (payload.size() > static_cast<std::size_t>(INT_MAX)) fail("the signed object is too large");
  const UniqueCPtr<BIO, BIO_free> content(
      BIO_new_mem_buf(payload.data(), static_cast<int>(payload.size())));
  // The signer's certificate is judged against the trusted root by the caller, not by OpenSSL's
  // store; CMS_BINARY keeps the payload's bytes as they are.
  const unsigned flags = CMS_NO_SIGNER_CERT_VERIFY | CMS_BINARY;
  const int verified =
      CMS_verify(signature.cms.get(), nullptr, nullptr, content.get(), nullptr, flags);
  ERR_clear_error();
  if (verified != 1) fail("the signature does not verify over the signed object");
  // The logged digest is over our encoding of the signed attributes; it must be exactly what
  // the signature covers.
  if (!sigstore::verify_signature_with_digest(
          sigstore::certificate_key(signature.signer.get()).get(), EVP_sha256(),
          signature.signed_attributes, signature.signature)) {
    fail("the signed attributes are not in DER form");
  }
}

}  // namespace sluice::verify
