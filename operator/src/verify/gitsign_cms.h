#pragma once
// The CMS (RFC 5652) signature gitsign, and gpgsm with gpg.format=x509, put in a commit's
// gpgsig header or at the end of a tag: "-----BEGIN SIGNED MESSAGE-----" armor around a DER
// ContentInfo holding a detached SignedData over the git object without its signature. Parsing
// is strict and bounded: one armor block (nothing but whitespace after it), DER with no
// trailing bytes, exactly one SignerInfo with SHA-256, signed attributes whose content type is
// id-data, the signer's certificate in the certificates set, at most one signing-time and one
// gitsign transparency-log attribute.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <openssl/cms.h>

#include "verify/sigstore/crypto.h"

namespace sluice::verify {

inline constexpr std::size_t kMaxCmsSignatureBytes = std::size_t{256} * 1024;
// gitsign's unsigned attribute holding a serialized dev.sigstore.rekor.v1.TransparencyLogEntry
// (OCTET STRING), defined in sigstore/rekor's oid-info.md.
inline constexpr const char* kRekorTransparencyLogEntryOid = "1.3.6.1.4.1.57264.3.1";

struct CmsSignature {
  std::shared_ptr<CMS_ContentInfo> cms;
  sigstore::CertificatePtr signer;  // the certificate the SignerInfo names
  std::string signature;            // the SignerInfo's signature value
  // DER of the signed attributes as a SET OF: what the signature covers, and what gitsign's
  // Rekor entry logs the SHA-256 of.
  std::string signed_attributes;
  std::optional<std::int64_t> signing_time;  // Unix seconds (signing-time attribute)
  std::optional<std::string> tlog_entry;     // the unsigned attribute's protobuf bytes
};

// Throws Error(kVerificationFailed) naming what is malformed.
CmsSignature parse_cms_signature(std::string_view armored);

// Throws Error(kVerificationFailed) unless the signature verifies over `payload` under the
// signer certificate's key: the message-digest attribute is SHA-256 of `payload` and the
// signature covers the signed attributes. The certificate itself is not judged here.
void verify_cms_signature(const CmsSignature& signature, std::string_view payload);

}  // namespace sluice::verify
