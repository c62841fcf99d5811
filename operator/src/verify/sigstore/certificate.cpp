#include "verify/sigstore/certificate.h"

#include <openssl/ct.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "verify/sigstore/crypto.h"

namespace sluice::verify::sigstore {
namespace {

constexpr ErrorCode kCode = ErrorCode::kVerificationFailed;

using StorePtr = UniqueCPtr<X509_STORE, X509_STORE_free>;
using StoreContextPtr = UniqueCPtr<X509_STORE_CTX, X509_STORE_CTX_free>;
using X509Ptr = UniqueCPtr<X509, X509_free>;
using ObjectPtr = UniqueCPtr<ASN1_OBJECT, ASN1_OBJECT_free>;

struct CertificateStackFree {
  void operator()(STACK_OF(X509) * stack) const noexcept { sk_X509_free(stack); }
};
struct GeneralNamesFree {
  void operator()(GENERAL_NAMES* names) const noexcept { GENERAL_NAMES_free(names); }
};
struct SctListFree {
  void operator()(STACK_OF(SCT) * list) const noexcept { SCT_LIST_free(list); }
};

constexpr const char* kIssuerV2Oid = "1.3.6.1.4.1.57264.1.8";
constexpr const char* kIssuerV1Oid = "1.3.6.1.4.1.57264.1.1";

// The contents of the extension with `oid`, or nullopt when absent.
std::optional<std::string> extension_value(X509* certificate, const char* oid) {
  ObjectPtr object(OBJ_txt2obj(oid, 1));
  if (!object) throw internal_error("OBJ_txt2obj failed");
  const int index = X509_get_ext_by_OBJ(certificate, object.get(), -1);
  if (index < 0) return std::nullopt;
  if (X509_get_ext_by_OBJ(certificate, object.get(), index) >= 0) {
    throw Error(kCode, std::string("the certificate has extension ") + oid + " twice");
  }
  return asn1_string_bytes(X509_EXTENSION_get_data(X509_get_ext(certificate, index)));
}

std::string oidc_issuer(X509* leaf) {
  if (auto value = extension_value(leaf, kIssuerV2Oid)) {
    const auto* cursor = reinterpret_cast<const unsigned char*>(value->data());
    ASN1_UTF8STRING* text = d2i_ASN1_UTF8STRING(nullptr, &cursor, static_cast<long>(value->size()));
    if (text == nullptr ||
        cursor != reinterpret_cast<const unsigned char*>(value->data()) + value->size()) {
      ASN1_UTF8STRING_free(text);
      throw Error(kCode, "the certificate's OIDC issuer extension is not one UTF8String");
    }
    std::string issuer = asn1_string_bytes(text);
    ASN1_UTF8STRING_free(text);
    return issuer;
  }
  return extension_value(leaf, kIssuerV1Oid).value_or("");  // legacy: the raw string
}

void check_code_signing_leaf(X509* leaf) {
  if (X509_check_ca(leaf) != 0) {
    throw Error(kCode, "the signing certificate is a certificate authority, not a leaf");
  }
  const std::uint32_t flags = X509_get_extension_flags(leaf);
  if ((flags & EXFLAG_XKUSAGE) == 0 || (X509_get_extended_key_usage(leaf) & XKU_CODE_SIGN) == 0) {
    throw Error(kCode, "the signing certificate is not for code signing (extended key usage)");
  }
  if ((flags & EXFLAG_KUSAGE) != 0 && (X509_get_key_usage(leaf) & KU_DIGITAL_SIGNATURE) == 0) {
    throw Error(kCode, "the signing certificate's key usage lacks digitalSignature");
  }
}

// The TBSCertificate of the precertificate the CT log signed: the leaf without its SCT list.
std::string precertificate_tbs(X509* leaf) {
  X509Ptr copy(X509_dup(leaf));
  if (!copy) throw internal_error("X509_dup failed");
  const int index = X509_get_ext_by_NID(copy.get(), NID_ct_precert_scts, -1);
  if (index < 0) throw Error(kCode, "the signing certificate has no embedded SCTs");
  X509_EXTENSION_free(X509_delete_ext(copy.get(), index));
  unsigned char* der = nullptr;
  const int length = i2d_re_X509_tbs(copy.get(), &der);
  if (length <= 0) throw internal_error("i2d_re_X509_tbs failed");
  std::string tbs(reinterpret_cast<char*>(der), static_cast<std::size_t>(length));
  OPENSSL_free(der);
  return tbs;
}

void put_be(std::string& out, std::uint64_t value, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

// RFC 6962 section 3.2 digitally-signed struct of a precert_entry SCT.
std::string sct_signed_data(const SCT* sct, std::string_view issuer_key_hash,
                            std::string_view tbs) {
  std::string data;
  data.push_back(0);  // sct_version v1
  data.push_back(0);  // signature_type certificate_timestamp
  put_be(data, SCT_get_timestamp(sct), 8);
  put_be(data, 1, 2);  // entry_type precert_entry
  data += issuer_key_hash;
  put_be(data, tbs.size(), 3);
  data += tbs;
  unsigned char* extensions = nullptr;
  const std::size_t extensions_size = SCT_get0_extensions(sct, &extensions);
  put_be(data, extensions_size, 2);
  if (extensions_size > 0) data.append(reinterpret_cast<char*>(extensions), extensions_size);
  return data;
}

}  // namespace

TimeWindow certificate_validity(X509* certificate) {
  const auto seconds = [](const ASN1_TIME* time) {
    const std::optional<std::int64_t> value = asn1_time_seconds(time);
    if (!value) throw Error(kCode, "the certificate's validity times are unreadable");
    return *value;
  };
  return {seconds(X509_get0_notBefore(certificate)), seconds(X509_get0_notAfter(certificate))};
}

bool is_self_signed(X509* certificate) {
  return (X509_get_extension_flags(certificate) & EXFLAG_SS) != 0;
}

CertificatePtr verify_certificate_chain(X509* leaf, const TrustedRoot& root, std::int64_t time) {
  check_code_signing_leaf(leaf);
  std::string last_problem = "no certificate authority of the trusted root is valid at that time";
  for (const CertificateAuthority& authority : root.certificate_authorities) {
    if (!authority.valid_for.contains(time)) continue;
    StorePtr store(X509_STORE_new());
    std::unique_ptr<STACK_OF(X509), CertificateStackFree> intermediates(sk_X509_new_null());
    if (!store || !intermediates) throw internal_error("X509_STORE_new failed");
    for (std::size_t i = 0; i < authority.chain.size(); ++i) {
      X509* certificate = authority.chain[i].get();
      if (i + 1 == authority.chain.size()) {
        X509_STORE_add_cert(store.get(), certificate);
      } else {
        sk_X509_push(intermediates.get(), certificate);
      }
    }
    StoreContextPtr context(X509_STORE_CTX_new());
    if (!context ||
        X509_STORE_CTX_init(context.get(), store.get(), leaf, intermediates.get()) != 1) {
      throw internal_error("X509_STORE_CTX_init failed");
    }
    X509_STORE_CTX_set_time(context.get(), 0, static_cast<time_t>(time));
    if (X509_verify_cert(context.get()) == 1) {
      STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(context.get());
      if (sk_X509_num(chain) < 2) throw Error(kCode, "the signing certificate is self-issued");
      X509* issuer = sk_X509_value(chain, 1);
      X509_up_ref(issuer);
      return {issuer, X509_free};
    }
    last_problem = X509_verify_cert_error_string(X509_STORE_CTX_get_error(context.get()));
  }
  ERR_clear_error();
  throw Error(kCode, "the signing certificate does not chain to a trusted Fulcio CA at " +
                         std::to_string(time) + ": " + last_problem);
}

CertificateIdentity certificate_identity(X509* leaf) {
  CertificateIdentity identity;
  int critical = 0;
  std::unique_ptr<GENERAL_NAMES, GeneralNamesFree> names(static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(leaf, NID_subject_alt_name, &critical, nullptr)));
  if (names) {
    for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
      const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
      if (name->type == GEN_URI || name->type == GEN_EMAIL || name->type == GEN_DNS) {
        identity.subject_alternative_names.push_back(asn1_string_bytes(name->d.ia5));
      } else if (name->type == GEN_OTHERNAME &&
                 name->d.otherName->value->type == V_ASN1_UTF8STRING) {
        identity.subject_alternative_names.push_back(
            asn1_string_bytes(name->d.otherName->value->value.utf8string));
      }
    }
  } else if (critical == -2) {
    throw Error(kCode, "the certificate has two subject alternative name extensions");
  }
  identity.oidc_issuer = oidc_issuer(leaf);
  identity.legacy_oidc_issuer = extension_value(leaf, kIssuerV1Oid).value_or("");
  return identity;
}

CertificateIdentityMatcher CertificateIdentityMatcher::from_flags(std::string identity,
                                                                  std::string identity_regexp,
                                                                  std::string issuer,
                                                                  std::string issuer_regexp) {
  if (identity.empty() && identity_regexp.empty()) {
    throw invalid_argument("--certificate-identity or --certificate-identity-regexp is required");
  }
  if (issuer.empty() && issuer_regexp.empty()) {
    throw invalid_argument(
        "--certificate-oidc-issuer or --certificate-oidc-issuer-regexp is required");
  }
  return {ValueMatcher(std::move(identity), std::move(identity_regexp),
                       "--certificate-identity-regexp"),
          ValueMatcher(std::move(issuer), std::move(issuer_regexp),
                       "--certificate-oidc-issuer-regexp")};
}

CertificateIdentityMatcher CertificateIdentityMatcher::exactly(std::string identity,
                                                               std::string issuer) {
  return {ValueMatcher::exactly(std::move(identity)), ValueMatcher::exactly(std::move(issuer))};
}

std::string CertificateIdentityMatcher::matching_subject(const CertificateIdentity& found) const {
  for (const std::string& name : found.subject_alternative_names) {
    if (subject.matches(name)) return name;
  }
  return "";
}

bool CertificateIdentityMatcher::matches(const CertificateIdentity& found) const {
  if (!issuer.matches(found.oidc_issuer)) return false;
  for (const std::string& name : found.subject_alternative_names) {
    if (subject.matches(name)) return true;
  }
  return false;
}

std::string CertificateIdentityMatcher::to_string() const {
  const auto text = [](const ValueMatcher& matcher) {
    // An exact value alone reads as itself, as the messages always have.
    return matcher.regexp().empty() ? matcher.exact() : matcher.to_string();
  };
  return "identity " + text(subject) + " (issuer " + text(issuer) + ")";
}

void check_certificate_identity(const CertificateIdentity& found,
                                const CertificateIdentityMatcher& expected) {
  bool identity_found = false;
  for (const std::string& name : found.subject_alternative_names) {
    identity_found = identity_found || expected.subject.matches(name);
  }
  if (!identity_found) {
    std::string names;
    for (const std::string& name : found.subject_alternative_names) {
      names += (names.empty() ? "" : ", ") + name;
    }
    throw Error(kCode, "the certificate identity is \"" + names + "\", not " +
                           expected.subject.to_string());
  }
  if (!expected.issuer.matches(found.oidc_issuer)) {
    throw Error(kCode, "the certificate's OIDC issuer is \"" + found.oidc_issuer + "\", not " +
                           expected.issuer.to_string());
  }
}

void verify_embedded_scts(X509* leaf, X509* issuer, const TrustedRoot& root) {
  int critical = 0;
  std::unique_ptr<STACK_OF(SCT), SctListFree> scts(
      static_cast<STACK_OF(SCT)*>(X509_get_ext_d2i(leaf, NID_ct_precert_scts, &critical, nullptr)));
  ERR_clear_error();
  if (!scts || sk_SCT_num(scts.get()) == 0) {
    throw Error(kCode, "the signing certificate has no readable embedded SCTs");
  }
  const std::string tbs = precertificate_tbs(leaf);
  const std::string issuer_key_hash = sha256_raw(public_key_der(certificate_key(issuer).get()));
  for (int i = 0; i < sk_SCT_num(scts.get()); ++i) {
    const SCT* sct = sk_SCT_value(scts.get(), i);
    if (SCT_get_version(sct) != SCT_VERSION_V1) continue;
    unsigned char* log_id = nullptr;
    const std::size_t log_id_size = SCT_get0_log_id(sct, &log_id);
    const std::string id(reinterpret_cast<char*>(log_id), log_id_size);
    for (const TransparencyLog& log : root.ctlogs) {
      if (log.log_id != id) continue;
      unsigned char* signature = nullptr;
      const std::size_t signature_size = SCT_get0_signature(sct, &signature);
      const std::string_view signature_bytes(reinterpret_cast<char*>(signature), signature_size);
      if (verify_message_signature(log.key.get(), sct_signed_data(sct, issuer_key_hash, tbs),
                                   signature_bytes)) {
        return;
      }
    }
  }
  throw Error(kCode, "no embedded SCT verifies under a CT log of the trusted root");
}

}  // namespace sluice::verify::sigstore
