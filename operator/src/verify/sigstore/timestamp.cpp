#include "verify/sigstore/timestamp.h"

#include <openssl/err.h>
#include <openssl/pkcs7.h>
#include <openssl/ts.h>

#include "verify/sigstore/crypto.h"

namespace sluice::verify::sigstore {
namespace {

constexpr ErrorCode kCode = ErrorCode::kVerificationFailed;
constexpr std::size_t kMaxTimestampBytes = std::size_t{64} * 1024;

using ResponsePtr = UniqueCPtr<TS_RESP, TS_RESP_free>;
using VerifyContextPtr = UniqueCPtr<TS_VERIFY_CTX, TS_VERIFY_CTX_free>;

// OpenSSL verifies with the signer key's own algorithm and the digestAlgorithm, whatever the
// SignerInfo's signatureAlgorithm says; sigstore clients refuse a token whose signature
// algorithm is not a known one, so that field is checked here.
void check_signer_info(TS_RESP* response) {
  PKCS7* token = TS_RESP_get_token(response);
  STACK_OF(PKCS7_SIGNER_INFO)* signers =
      token != nullptr && PKCS7_type_is_signed(token) ? PKCS7_get_signer_info(token) : nullptr;
  if (signers == nullptr || sk_PKCS7_SIGNER_INFO_num(signers) != 1) {
    throw Error(kCode, "the RFC 3161 timestamp token must have exactly one signer");
  }
  X509_ALGOR* digest_algorithm = nullptr;
  X509_ALGOR* signature_algorithm = nullptr;
  PKCS7_SIGNER_INFO_get0_algs(sk_PKCS7_SIGNER_INFO_value(signers, 0), nullptr, &digest_algorithm,
                              &signature_algorithm);
  const auto nid_of = [](const X509_ALGOR* algorithm) {
    const ASN1_OBJECT* object = nullptr;
    if (algorithm != nullptr) X509_ALGOR_get0(&object, nullptr, nullptr, algorithm);
    return object == nullptr ? NID_undef : OBJ_obj2nid(object);
  };
  const int signature_nid = nid_of(signature_algorithm);
  int hash_nid = NID_undef;
  int key_nid = NID_undef;
  // A combined algorithm (ecdsa-with-SHA384) must name the digest the signer info uses.
  if (OBJ_find_sigid_algs(signature_nid, &hash_nid, &key_nid) == 1 && hash_nid != NID_undef &&
      hash_nid != nid_of(digest_algorithm)) {
    throw Error(kCode, "the RFC 3161 timestamp's signature and digest algorithms disagree");
  }
  switch (signature_nid) {
    case NID_ecdsa_with_SHA256:
    case NID_ecdsa_with_SHA384:
    case NID_ecdsa_with_SHA512:
    case NID_X9_62_id_ecPublicKey:
    case NID_rsaEncryption:
    case NID_sha256WithRSAEncryption:
    case NID_sha384WithRSAEncryption:
    case NID_sha512WithRSAEncryption:
    case NID_ED25519:
      return;
    default:
      throw Error(kCode, "the RFC 3161 timestamp's signature algorithm is not supported");
  }
}

ResponsePtr parse_response(std::string_view der) {
  if (der.size() > kMaxTimestampBytes) throw Error(kCode, "the RFC 3161 timestamp is too large");
  const auto* start = reinterpret_cast<const unsigned char*>(der.data());
  const unsigned char* cursor = start;
  ResponsePtr response(d2i_TS_RESP(nullptr, &cursor, static_cast<long>(der.size())));
  ERR_clear_error();
  if (!response) throw Error(kCode, "the RFC 3161 timestamp is not a DER TimeStampResp");
  if (cursor != start + der.size()) {
    throw Error(kCode, "the RFC 3161 timestamp has trailing bytes");
  }
  const long status =
      ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(TS_RESP_get_status_info(response.get())));
  if (status != TS_STATUS_GRANTED && status != TS_STATUS_GRANTED_WITH_MODS) {
    throw Error(kCode, "the RFC 3161 timestamp response was not granted");
  }
  if (TS_RESP_get_tst_info(response.get()) == nullptr) {
    throw Error(kCode, "the RFC 3161 timestamp response holds no token");
  }
  check_signer_info(response.get());
  return response;
}

std::int64_t generation_time(TS_RESP* response) {
  const std::optional<std::int64_t> time =
      asn1_time_seconds(TS_TST_INFO_get_time(TS_RESP_get_tst_info(response)));
  if (!time) throw Error(kCode, "the RFC 3161 timestamp's time is unreadable");
  return *time;
}

// True when `authority` signed the token and its chain is valid at `time`.
bool signed_by(TS_RESP* response, std::string_view signed_bytes,
               const CertificateAuthority& authority, std::int64_t time) {
  VerifyContextPtr context(TS_VERIFY_CTX_new());
  X509_STORE* store = X509_STORE_new();
  STACK_OF(X509)* certificates = sk_X509_new_null();
  BIO* data = BIO_new_mem_buf(signed_bytes.data(), static_cast<int>(signed_bytes.size()));
  if (!context || store == nullptr || certificates == nullptr || data == nullptr) {
    X509_STORE_free(store);
    sk_X509_free(certificates);
    BIO_free(data);
    throw internal_error("TS_VERIFY_CTX_new failed");
  }
  // The context owns what it is given from here on (TS_VERIFY_CTX_free releases it).
  TS_VERIFY_CTX_set_store(context.get(), store);
  TS_VERIFY_CTX_set_certs(context.get(), certificates);
  TS_VERIFY_CTX_set_data(context.get(), data);
  for (std::size_t i = 0; i < authority.chain.size(); ++i) {
    X509* certificate = authority.chain[i].get();
    if (i + 1 == authority.chain.size()) X509_STORE_add_cert(store, certificate);
    X509_up_ref(certificate);
    sk_X509_push(certificates, certificate);
  }
  X509_VERIFY_PARAM* parameters = X509_STORE_get0_param(store);
  X509_VERIFY_PARAM_set_time(parameters, static_cast<time_t>(time));
  TS_VERIFY_CTX_set_flags(context.get(), TS_VFY_VERSION | TS_VFY_SIGNATURE | TS_VFY_DATA);
  const bool verified = TS_RESP_verify_response(context.get(), response) == 1;
  ERR_clear_error();
  return verified;
}

}  // namespace

std::int64_t timestamp_time(std::string_view der) {
  const ResponsePtr response = parse_response(der);
  return generation_time(response.get());
}

std::int64_t verify_rfc3161_timestamp(std::string_view der, std::string_view signed_bytes,
                                      const TrustedRoot& root) {
  const ResponsePtr response = parse_response(der);
  const std::int64_t time = generation_time(response.get());
  bool any_authority = false;
  for (const CertificateAuthority& authority : root.timestamp_authorities) {
    if (!authority.valid_for.contains(time)) continue;
    any_authority = true;
    if (signed_by(response.get(), signed_bytes, authority, time)) return time;
  }
  if (!any_authority) {
    throw Error(kCode,
                "no timestamp authority of the trusted root is valid at the timestamp's "
                "time " +
                    std::to_string(time));
  }
  throw Error(kCode,
              "the RFC 3161 timestamp is not signed by a trusted timestamp authority "
              "over the bundle's signature (at " +
                  std::to_string(time) + ")");
}

}  // namespace sluice::verify::sigstore
