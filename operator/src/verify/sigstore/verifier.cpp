#include "verify/sigstore/verifier.h"

#include "core/sha256.h"
#include "verify/sigstore/certificate.h"
#include "verify/sigstore/dsse.h"
#include "verify/sigstore/timestamp.h"
#include "verify/sigstore/tlog.h"

namespace sluice::verify::sigstore {
namespace {

constexpr ErrorCode kCode = ErrorCode::kVerificationFailed;

[[noreturn]] void fail(const std::string& reason) {
  throw Error(kCode, reason);
}

struct Signer {
  PublicKeyPtr key;
  CertificatePtr leaf;
  std::string description;
};

Signer choose_signer(const Bundle& bundle, const SignerPolicy& policy) {
  Signer signer;
  if (bundle.has_public_key) {
    if (!policy.key) fail("the bundle is signed with a key; give it with --key");
    signer.key = policy.key;
    signer.description = "key " + describe_key(policy.key.get()) +
                         " sha256:" + sha256_hex(public_key_der(policy.key.get()));
    return signer;
  }
  if (policy.key) fail("the bundle is signed by a certificate, not by the given key");
  if (bundle.certificates.empty()) fail("the bundle has no signing certificate");
  for (std::size_t i = 1; i < bundle.certificates.size(); ++i) {
    if (is_self_signed(bundle.certificates[i].get())) {
      fail(
          "the bundle's certificate chain includes a root certificate; roots come from the "
          "trusted root only");
    }
  }
  signer.leaf = bundle.certificates.front();
  signer.key = certificate_key(signer.leaf.get());
  signer.description = "identity " + policy.identity + " (issuer " + policy.issuer + ")";
  return signer;
}

// Checks the signature over the content; returns the bytes RFC 3161 timestamps cover.
std::string verify_content(const Bundle& bundle, const Artifact& artifact, const Signer& signer) {
  if (bundle.message_signature) {
    const MessageSignature& message = *bundle.message_signature;
    if (message.digest) {
      if (message.digest_algorithm != "SHA2_256") {
        throw Error(ErrorCode::kUnimplemented,
                    "message digests other than SHA2_256 are not supported");
      }
      if (*message.digest != artifact.sha256) {
        fail("the bundle's message digest is not the artifact's SHA-256");
      }
    }
    const bool verified =
        artifact.bytes
            ? verify_message_signature(signer.key.get(), *artifact.bytes, message.signature)
            : verify_digest_signature(signer.key.get(), artifact.sha256, message.signature);
    if (!verified) fail("the signature does not verify over the artifact");
    return message.signature;
  }
  const DsseEnvelope& envelope = *bundle.dsse_envelope;
  verify_dsse_signature(envelope, signer.key.get());
  check_in_toto_subject(envelope, artifact.sha256);
  return envelope.signatures.front().signature;
}

LoggedContent logged_content(const Bundle& bundle, const Artifact& artifact, const Signer& signer) {
  LoggedContent content;
  content.verifier_is_certificate = signer.leaf != nullptr;
  content.verifier_der =
      signer.leaf ? certificate_der(signer.leaf.get()) : public_key_der(signer.key.get());
  if (bundle.message_signature) {
    content.signed_digest = artifact.sha256;
    content.signature = bundle.message_signature->signature;
  } else {
    const DsseEnvelope& envelope = *bundle.dsse_envelope;
    content.envelope = &envelope;
    content.signed_digest = sha256_raw(dsse_pae(envelope.payload_type, envelope.payload));
    content.signature = envelope.signatures.front().signature;
  }
  return content;
}

// Verifies one entry; returns its integrated time when a SET vouches for it.
std::optional<std::int64_t> verify_entry(const TlogEntry& entry, std::size_t index,
                                         const TrustedRoot& root, const LoggedContent& content,
                                         std::int64_t now) {
  const std::string where = "tlog entry " + std::to_string(index) + ": ";
  try {
    const TransparencyLog* log = root.find_tlog(entry.log_id);
    if (log == nullptr) fail("its log is not in the trusted root");
    check_entry_body(entry, content);
    const bool rekor_v2 = entry.version == "0.0.2" && !entry.signed_entry_timestamp;
    if (rekor_v2 && !entry.inclusion_proof) fail("a Rekor v2 entry needs an inclusion proof");
    if (!entry.signed_entry_timestamp && !entry.inclusion_proof) {
      fail("it has neither an inclusion promise nor an inclusion proof");
    }
    if (entry.inclusion_proof) verify_inclusion_proof(entry, *log);
    if (!entry.signed_entry_timestamp) return std::nullopt;
    verify_signed_entry_timestamp(entry, *log);
    const std::int64_t time = *entry.integrated_time;
    if (time > now) fail("its integrated time " + std::to_string(time) + " is in the future");
    if (!log->valid_for.contains(time)) {
      fail("its integrated time is outside the log key's validity in the trusted root");
    }
    return time;
  } catch (const Error& e) {
    throw e.with_context(where.substr(0, where.size() - 2));
  }
}

}  // namespace

VerificationResult verify_bundle(const Bundle& bundle, const TrustedRoot& root,
                                 const Artifact& artifact, const SignerPolicy& policy,
                                 std::int64_t now) {
  if (artifact.sha256.size() != 32) throw internal_error("artifact digest must be 32 bytes");
  const Signer signer = choose_signer(bundle, policy);
  const std::string signature_bytes = verify_content(bundle, artifact, signer);

  VerificationResult result;
  result.signer = signer.description;
  if (bundle.tlog_entries.empty()) fail("the bundle has no transparency log entry");
  const LoggedContent content = logged_content(bundle, artifact, signer);
  for (std::size_t i = 0; i < bundle.tlog_entries.size(); ++i) {
    const TlogEntry& entry = bundle.tlog_entries[i];
    if (auto time = verify_entry(entry, i, root, content, now)) {
      result.verified_times.push_back(*time);
    }
    result.log_indexes.push_back(entry.log_index);
  }
  for (std::size_t i = 0; i < bundle.rfc3161_timestamps.size(); ++i) {
    try {
      const std::int64_t time =
          verify_rfc3161_timestamp(bundle.rfc3161_timestamps[i], signature_bytes, root);
      if (time > now) fail("its time " + std::to_string(time) + " is in the future");
      result.verified_times.push_back(time);
    } catch (const Error& e) {
      throw e.with_context("RFC 3161 timestamp " + std::to_string(i));
    }
  }
  if (result.verified_times.empty()) {
    fail(
        "the bundle has no verified time: neither a signed entry timestamp nor an RFC 3161 "
        "timestamp");
  }
  if (signer.leaf) {
    CertificatePtr issuer;
    for (const std::int64_t time : result.verified_times) {
      issuer = verify_certificate_chain(signer.leaf.get(), root, time);
    }
    verify_embedded_scts(signer.leaf.get(), issuer.get(), root);
    check_certificate_identity(certificate_identity(signer.leaf.get()), policy.identity,
                               policy.issuer);
  }
  return result;
}

}  // namespace sluice::verify::sigstore
