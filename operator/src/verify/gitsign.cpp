#include "verify/gitsign.h"

#include <openssl/pem.h>

#include "core/base64.h"
#include "core/error.h"
#include "core/object.h"
#include "core/sha256.h"
#include "core/unique_c_ptr.h"
#include "verify/gitsign_cms.h"
#include "verify/rekor_proto.h"
#include "verify/sigstore/tlog.h"

namespace sluice::verify {
namespace {

using sigstore::TlogEntry;

[[noreturn]] void fail(const std::string& reason) {
  throw Error(ErrorCode::kVerificationFailed, reason);
}

std::string certificate_pem(X509* certificate) {
  const UniqueCPtr<BIO, BIO_free> out(BIO_new(BIO_s_mem()));
  if (!out || PEM_write_bio_X509(out.get(), certificate) != 1) {
    throw internal_error("cannot write a certificate as PEM");
  }
  char* data = nullptr;
  const long size = BIO_get_mem_data(out.get(), &data);
  return {data, static_cast<std::size_t>(size)};
}

// Checks the embedded entry; returns its integrated time.
std::int64_t verify_tlog_entry(TlogEntry entry, const CmsSignature& signature,
                               const sigstore::TrustedRoot& root, std::int64_t now) {
  if (entry.kind != "hashedrekord" || entry.version != "0.0.1") {
    fail("the entry is of kind " + entry.kind + " " + entry.version +
         ", not hashedrekord 0.0.1 as gitsign logs");
  }
  const sigstore::TransparencyLog* log = root.find_tlog(entry.log_id);
  if (log == nullptr) fail("the entry's log (id " + to_hex(entry.log_id) + ") is not trusted");
  if (!entry.signed_entry_timestamp || !entry.integrated_time) {
    fail("the entry has no signed entry timestamp (inclusion promise) with an integrated time");
  }
  // cosign's offline entry check, which gitsign runs, requires the proof as well as the SET.
  if (!entry.inclusion_proof) fail("the entry has no inclusion proof");
  const std::int64_t time = *entry.integrated_time;
  if (!log->valid_for.contains(time)) {
    fail("the integrated time is outside the log key's validity in the trusted root");
  }
  // gitsign leaves the body out; what it logged is determined by the signature.
  if (entry.canonicalized_body.empty()) {
    entry.canonicalized_body = gitsign_hashedrekord_body(
        signature.signed_attributes, signature.signature, signature.signer.get());
  }
  sigstore::verify_signed_entry_timestamp(entry, *log);
  sigstore::verify_inclusion_proof(entry, *log);
  sigstore::LoggedContent content;
  content.verifier_der = sigstore::certificate_der(signature.signer.get());
  content.verifier_is_certificate = true;
  content.signed_digest = sigstore::sha256_raw(signature.signed_attributes);
  content.signature = signature.signature;
  sigstore::check_entry_body(entry, content);
  if (time > now) fail("the integrated time " + std::to_string(time) + " is in the future");
  if (!sigstore::certificate_validity(signature.signer.get()).contains(time)) {
    fail("the integrated time is outside the signing certificate's validity");
  }
  return time;
}

}  // namespace

std::string gitsign_hashedrekord_body(std::string_view signed_attributes_der,
                                      std::string_view signature, X509* certificate) {
  const Json body = {
      {"apiVersion", "0.0.1"},
      {"kind", "hashedrekord"},
      {"spec",
       {{"data",
         {{"hash", {{"algorithm", "sha256"}, {"value", sha256_hex(signed_attributes_der)}}}}},
        {"signature",
         {{"content", encode_base64(signature)},
          {"publicKey", {{"content", encode_base64(certificate_pem(certificate))}}}}}}}};
  return body.dump();  // sorted keys, no whitespace: the canonical JSON Rekor logs
}

GitsignSigner verify_gitsign_signature(std::string_view armored, std::string_view payload,
                                       const sigstore::TrustedRoot& root,
                                       const GitsignOptions& options) {
  const CmsSignature signature = parse_cms_signature(armored);
  verify_cms_signature(signature, payload);
  X509* leaf = signature.signer.get();

  GitsignSigner result;
  if (options.insecure_ignore_tlog) {
    if (!signature.signing_time) {
      fail("the signature has no signing-time attribute to check the certificate at");
    }
    result.verified_time = *signature.signing_time;
  } else {
    if (!signature.tlog_entry) {
      fail(
          "the signature carries no transparency log entry (made in gitsign's online mode?); "
          "sluice verifies the log entry offline only (--insecure-ignore-tlog skips it)");
    }
    const TlogEntry entry = parse_tlog_entry_proto(*signature.tlog_entry);
    try {
      result.verified_time = verify_tlog_entry(entry, signature, root, options.now);
    } catch (const Error& e) {
      throw e.with_context("transparency log entry " + std::to_string(entry.log_index));
    }
    result.log_index = entry.log_index;
    result.time_from_tlog = true;
  }
  const sigstore::CertificatePtr issuer =
      sigstore::verify_certificate_chain(leaf, root, result.verified_time);
  if (!root.ctlogs.empty()) sigstore::verify_embedded_scts(leaf, issuer.get(), root);
  result.identity = sigstore::certificate_identity(leaf);
  result.certificate_fingerprint = "SHA256:" + sha256_hex(sigstore::certificate_der(leaf));
  return result;
}

}  // namespace sluice::verify
