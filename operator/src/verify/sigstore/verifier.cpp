#include "verify/sigstore/verifier.h"

#include <set>
#include <utility>

#include "core/sha256.h"
#include "verify/sigstore/certificate.h"
#include "verify/sigstore/dsse.h"
#include "verify/sigstore/timestamp.h"
#include "verify/sigstore/tlog.h"

namespace sluice::verify::sigstore {
namespace {

constexpr ErrorCode kCode = ErrorCode::kVerificationFailed;
// sigstore-go's limits: more is refused outright, so duplicates cannot inflate thresholds.
constexpr std::size_t kMaxTlogEntries = 32;
constexpr std::size_t kMaxTimestamps = 32;

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
  signer.description = policy.identity.to_string();
  return signer;
}

// Checks the signature over the content; returns the bytes RFC 3161 timestamps cover.
std::string verify_content(const Bundle& bundle, const Artifact& artifact, const Signer& signer) {
  if (bundle.message_signature) {
    const MessageSignature& message = *bundle.message_signature;
    if (message.digest_algorithm != "SHA2_256") {
      throw Error(ErrorCode::kUnimplemented,
                  "message digests other than SHA2_256 are not supported (the bundle's is " +
                      message.digest_algorithm + ")");
    }
    if (message.digest != artifact.sha256) {
      fail("the bundle's message digest is not the artifact's SHA-256");
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

struct EntryOutcome {
  bool verified = false;
  bool set_verified = false;
  std::string skipped_because;
};

// Verifies one entry as sigstore clients do: entries of logs the trusted root does not know,
// or whose SET does not verify, are skipped (they do not count); any other failure is fatal.
EntryOutcome verify_entry(const TlogEntry& entry, const TrustedRoot& root,
                          const LoggedContent& content, const Signer& signer, std::int64_t now) {
  const TransparencyLog* log = root.find_tlog(entry.log_id);
  if (log == nullptr) return {false, false, "its log is not in the trusted root"};
  if (!entry.signed_entry_timestamp && !entry.inclusion_proof) {
    fail("it has neither an inclusion promise nor an inclusion proof");
  }
  EntryOutcome outcome;
  if (entry.signed_entry_timestamp) {
    try {
      if (!entry.integrated_time) fail("it has an inclusion promise but no integrated time");
      if (!log->valid_for.contains(*entry.integrated_time)) {
        fail("its integrated time is outside the log key's validity in the trusted root");
      }
      verify_signed_entry_timestamp(entry, *log);
    } catch (const Error& e) {
      return {false, false, e.message()};
    }
    outcome.set_verified = true;
  }
  if (entry.inclusion_proof) verify_inclusion_proof(entry, *log);
  check_entry_body(entry, content);
  if (entry.integrated_time) {
    if (*entry.integrated_time > now) {
      fail("its integrated time " + std::to_string(*entry.integrated_time) + " is in the future");
    }
    if (signer.leaf && !certificate_validity(signer.leaf.get()).contains(*entry.integrated_time)) {
      fail("its integrated time is outside the signing certificate's validity");
    }
  }
  outcome.verified = true;
  return outcome;
}

void check_no_duplicates(const Bundle& bundle) {
  if (bundle.tlog_entries.size() > kMaxTlogEntries) fail("the bundle has too many tlog entries");
  if (bundle.rfc3161_timestamps.size() > kMaxTimestamps) {
    fail("the bundle has too many RFC 3161 timestamps");
  }
  std::set<std::pair<std::string, std::int64_t>> entries;
  for (const TlogEntry& entry : bundle.tlog_entries) {
    if (!entries.emplace(entry.log_id, entry.log_index).second) {
      fail("the bundle lists the same tlog entry twice");
    }
  }
  const std::set<std::string> timestamps(bundle.rfc3161_timestamps.begin(),
                                         bundle.rfc3161_timestamps.end());
  if (timestamps.size() != bundle.rfc3161_timestamps.size()) {
    fail("the bundle lists the same RFC 3161 timestamp twice");
  }
}

std::string joined(const std::vector<std::string>& reasons) {
  std::string text;
  for (const std::string& reason : reasons) text += (text.empty() ? "" : "; ") + reason;
  return text;
}

}  // namespace

VerificationResult verify_bundle_signature_only(const Bundle& bundle, const Artifact& artifact,
                                                const PublicKeyPtr& key) {
  if (artifact.sha256.size() != 32) throw internal_error("artifact digest must be 32 bytes");
  if (!key) throw internal_error("a key is required");
  const Signer signer = choose_signer(bundle, SignerPolicy{key, {}, false});
  verify_content(bundle, artifact, signer);
  VerificationResult result;
  result.signer = signer.description;
  return result;
}

VerificationResult verify_bundle_certificate_now(const Bundle& bundle, const TrustedRoot& root,
                                                 const Artifact& artifact,
                                                 const CertificateIdentityMatcher& identity,
                                                 std::int64_t now, bool ignore_sct) {
  if (artifact.sha256.size() != 32) throw internal_error("artifact digest must be 32 bytes");
  if (bundle.has_public_key) fail("the bundle is signed with a key, not by a certificate");
  const Signer signer = choose_signer(bundle, SignerPolicy{nullptr, identity, false});
  verify_content(bundle, artifact, signer);
  const CertificatePtr issuer = verify_certificate_chain(signer.leaf.get(), root, now);
  check_certificate_identity(certificate_identity(signer.leaf.get()), identity);
  if (!ignore_sct) verify_embedded_scts(signer.leaf.get(), issuer.get(), root);
  VerificationResult result;
  result.signer = signer.description;
  result.verified_times.push_back(now);
  return result;
}

VerificationResult verify_bundle(const Bundle& bundle, const TrustedRoot& root,
                                 const Artifact& artifact, const SignerPolicy& policy,
                                 std::int64_t now) {
  if (artifact.sha256.size() != 32) throw internal_error("artifact digest must be 32 bytes");
  check_no_duplicates(bundle);
  const Signer signer = choose_signer(bundle, policy);
  const std::string signature_bytes = verify_content(bundle, artifact, signer);

  VerificationResult result;
  result.signer = signer.description;
  std::vector<std::string> skipped;
  const LoggedContent content = logged_content(bundle, artifact, signer);
  std::set<std::string> verified_logs;
  std::set<std::string> logs_with_time;
  for (std::size_t i = 0; i < bundle.tlog_entries.size(); ++i) {
    const TlogEntry& entry = bundle.tlog_entries[i];
    const std::string where = "tlog entry " + std::to_string(i);
    EntryOutcome outcome;
    try {
      outcome = verify_entry(entry, root, content, signer, now);
    } catch (const Error& e) {
      throw e.with_context(where);
    }
    if (!outcome.verified) {
      skipped.push_back(where + " skipped: " + outcome.skipped_because);
      continue;
    }
    verified_logs.insert(entry.log_id);
    result.log_indexes.push_back(entry.log_index);
    // One time per log: several entries of one log vouch for no more than one would.
    if (outcome.set_verified && logs_with_time.insert(entry.log_id).second) {
      result.verified_times.push_back(*entry.integrated_time);
    }
  }
  if (verified_logs.empty()) {
    fail("no transparency log entry verifies" + (skipped.empty() ? "" : ": " + joined(skipped)));
  }
  for (std::size_t i = 0; i < bundle.rfc3161_timestamps.size(); ++i) {
    const std::string where = "RFC 3161 timestamp " + std::to_string(i);
    try {
      const std::int64_t time =
          verify_rfc3161_timestamp(bundle.rfc3161_timestamps[i], signature_bytes, root);
      if (time > now) fail("its time " + std::to_string(time) + " is in the future");
      result.verified_times.push_back(time);
    } catch (const Error& e) {
      // As sigstore clients do: a timestamp that does not verify does not count, and the
      // reason is reported if no other time can stand in.
      skipped.push_back(where + " skipped: " + e.message());
    }
  }
  if (result.verified_times.empty()) {
    fail("the bundle has no verified time (a signed entry timestamp or an RFC 3161 timestamp)" +
         (skipped.empty() ? "" : ": " + joined(skipped)));
  }
  if (signer.leaf) {
    CertificatePtr issuer;
    for (const std::int64_t time : result.verified_times) {
      issuer = verify_certificate_chain(signer.leaf.get(), root, time);
    }
    if (!policy.ignore_sct) verify_embedded_scts(signer.leaf.get(), issuer.get(), root);
    check_certificate_identity(certificate_identity(signer.leaf.get()), policy.identity);
  }
  return result;
}

}  // namespace sluice::verify::sigstore
