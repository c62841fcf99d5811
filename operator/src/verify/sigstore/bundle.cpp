#include "verify/sigstore/bundle.h"

#include "verify/sigstore/json_fields.h"

namespace sluice::verify::sigstore {
namespace {

constexpr ErrorCode kCode = ErrorCode::kVerificationFailed;
constexpr std::size_t kMaxListItems = 1024;
constexpr std::size_t kMaxProofHashes = 64;  // a tree of 2^64 leaves needs at most 64

// A decimal without leading zeros (semver's rule), or -1.
int semver_number(std::string_view text) {
  if (text.empty() || text.size() > 4 || (text.size() > 1 && text[0] == '0') ||
      text.find_first_not_of("0123456789") != std::string_view::npos) {
    return -1;
  }
  int value = 0;
  for (const char c : text) value = value * 10 + (c - '0');
  return value;
}

// The minor version of a v0.x bundle media type: the legacy "+json;version=0.N" forms and
// "bundle.vX.Y[.Z]+json" as sigstore-go reads them (versions 0.1 to 0.3.x; no pre-releases).
int media_type_version(const JsonFields& bundle) {
  const std::string media_type = bundle.string("mediaType");
  constexpr std::string_view kBase = "application/vnd.dev.sigstore.bundle";
  std::string_view rest = media_type;
  int minor = -1;
  if (rest.starts_with(kBase)) {
    rest.remove_prefix(kBase.size());
    if (rest == "+json;version=0.1" || rest == "+json;version=0.2" || rest == "+json;version=0.3") {
      minor = rest.back() - '0';
    } else if (rest.starts_with(".v") && rest.ends_with("+json")) {
      std::string_view version = rest.substr(2, rest.size() - 2 - 5);
      const std::size_t first_dot = version.find('.');
      const std::size_t second_dot = version.find('.', first_dot + 1);
      const bool has_patch = second_dot != std::string_view::npos;
      if (first_dot != std::string_view::npos && semver_number(version.substr(0, first_dot)) == 0 &&
          (!has_patch || semver_number(version.substr(second_dot + 1)) >= 0)) {
        minor = semver_number(version.substr(
            first_dot + 1, has_patch ? second_dot - first_dot - 1 : std::string_view::npos));
      }
    }
  }
  if (minor < 1 || minor > 3) {
    throw bundle.error("mediaType", "is not a supported bundle version: \"" + media_type + "\"");
  }
  return minor;
}

const Json& bounded_array(const JsonFields& fields, std::string_view key) {
  const Json& list = fields.array(key);
  if (list.size() > kMaxListItems) throw fields.error(key, "has too many items");
  return list;
}

JsonFields item(const JsonFields& parent, std::string_view key, const Json& list, std::size_t i) {
  return {list[i], parent.where() + "." + std::string(key) + "[" + std::to_string(i) + "]", kCode};
}

std::int64_t non_negative(const JsonFields& fields, std::string_view key) {
  const std::int64_t value = fields.int64(key);
  if (value < 0) throw fields.error(key, "is negative");
  return value;
}

std::string hash32(const JsonFields& fields, std::string_view key) {
  std::string value = fields.base64(key);
  if (value.size() != 32) throw fields.error(key, "is not a 32-byte SHA-256 hash");
  return value;
}

std::optional<std::string> decode_hash(const std::string& text) {
  auto decoded = decode_protobuf_bytes(text);
  if (!decoded || decoded->size() != 32) return std::nullopt;
  return decoded;
}

InclusionProof parse_inclusion_proof(const JsonFields& fields) {
  InclusionProof proof;
  proof.log_index = non_negative(fields, "logIndex");
  proof.root_hash = hash32(fields, "rootHash");
  proof.tree_size = non_negative(fields, "treeSize");
  if (proof.log_index >= proof.tree_size) {
    throw fields.error("logIndex",
                       "is not inside the tree (treeSize " + std::to_string(proof.tree_size) + ")");
  }
  // protobuf-JSON leaves out empty repeated fields: a tree of one leaf has no hashes.
  if (fields.has("hashes")) {
    const Json& hashes = fields.array("hashes");
    if (hashes.size() > kMaxProofHashes) throw fields.error("hashes", "has too many items");
    for (std::size_t i = 0; i < hashes.size(); ++i) {
      if (!hashes[i].is_string()) throw fields.error("hashes", "holds a non-string");
      auto decoded = decode_hash(hashes[i].get<std::string>());
      if (!decoded) {
        throw fields.error("hashes[" + std::to_string(i) + "]", "is not a base64 32-byte hash");
      }
      proof.hashes.push_back(*decoded);
    }
  }
  proof.checkpoint = fields.object("checkpoint").string("envelope");
  if (proof.checkpoint.empty()) throw fields.object("checkpoint").error("envelope", "is empty");
  return proof;
}

TlogEntry parse_tlog_entry(const JsonFields& fields) {
  TlogEntry entry;
  entry.log_index = non_negative(fields, "logIndex");
  entry.log_id = fields.object("logId").base64("keyId");
  const JsonFields kind = fields.object("kindVersion");
  entry.kind = kind.string("kind");
  entry.version = kind.string("version");
  if (auto time = fields.optional_int64("integratedTime")) {
    if (*time < 0) throw fields.error("integratedTime", "is negative");
    if (*time > 0) entry.integrated_time = time;
  }
  if (auto promise = fields.optional_object("inclusionPromise")) {
    entry.signed_entry_timestamp = promise->base64("signedEntryTimestamp");
  }
  if (auto proof = fields.optional_object("inclusionProof")) {
    entry.inclusion_proof = parse_inclusion_proof(*proof);
  }
  entry.canonicalized_body = fields.base64("canonicalizedBody");
  return entry;
}

void parse_verification_material(const JsonFields& material, Bundle& bundle) {
  int kinds = 0;
  if (auto chain = material.optional_object("x509CertificateChain")) {
    ++kinds;
    if (bundle.minor_version >= 3) {
      throw material.error("x509CertificateChain", "is not allowed in a v0.3 bundle");
    }
    const Json& certificates = bounded_array(*chain, "certificates");
    if (certificates.empty()) throw chain->error("certificates", "is empty");
    for (std::size_t i = 0; i < certificates.size(); ++i) {
      const JsonFields certificate = item(*chain, "certificates", certificates, i);
      bundle.certificates.push_back(parse_certificate_der(certificate.base64("rawBytes"), kCode,
                                                          certificate.where() + ".rawBytes"));
    }
  }
  if (auto certificate = material.optional_object("certificate")) {
    ++kinds;
    bundle.certificates.push_back(parse_certificate_der(certificate->base64("rawBytes"), kCode,
                                                        certificate->where() + ".rawBytes"));
  }
  if (auto key = material.optional_object("publicKey")) {
    ++kinds;
    bundle.has_public_key = true;
    bundle.public_key_hint = key->optional_string("hint");
  }
  if (kinds != 1) {
    throw Error(kCode,
                material.where() +
                    " must hold exactly one of x509CertificateChain, certificate, publicKey");
  }
  // Protobuf JSON leaves out an empty repeated field: cosign writes no tlogEntries for a bundle
  // it did not upload (--tlog-upload=false). Verification then requires ignoring the log.
  if (material.has("tlogEntries")) {
    const Json& entries = bounded_array(material, "tlogEntries");
    for (std::size_t i = 0; i < entries.size(); ++i) {
      bundle.tlog_entries.push_back(parse_tlog_entry(item(material, "tlogEntries", entries, i)));
    }
  }
  if (auto timestamps = material.optional_object("timestampVerificationData")) {
    if (timestamps->has("rfc3161Timestamps")) {
      const Json& list = bounded_array(*timestamps, "rfc3161Timestamps");
      for (std::size_t i = 0; i < list.size(); ++i) {
        bundle.rfc3161_timestamps.push_back(
            item(*timestamps, "rfc3161Timestamps", list, i).base64("signedTimestamp"));
      }
    }
  }
}

// As sigstore-go: a v0.1 bundle with entries needs an inclusion promise on one of them, a later
// one an inclusion proof.
void check_version_rules(const Bundle& bundle) {
  if (bundle.tlog_entries.empty()) return;
  bool any_promise = false;
  bool any_proof = false;
  for (const TlogEntry& entry : bundle.tlog_entries) {
    any_promise = any_promise || entry.signed_entry_timestamp.has_value();
    any_proof = any_proof || entry.inclusion_proof.has_value();
  }
  if (bundle.minor_version == 1 && !any_promise) {
    throw Error(kCode,
                "bundle tlog entries have no inclusion promise, which a v0.1 bundle requires");
  }
  if (bundle.minor_version >= 2 && !any_proof) {
    throw Error(kCode,
                "bundle tlog entries have no inclusion proof, which a v0.2+ bundle requires");
  }
}

}  // namespace

Bundle parse_bundle(std::string_view json_text) {
  if (json_text.size() > kMaxBundleBytes) throw resource_exhausted("bundle is larger than 16 MiB");
  const Json document = parse_json_document(json_text, "bundle", kCode);
  const JsonFields root(document, "bundle", kCode);
  Bundle bundle;
  bundle.minor_version = media_type_version(root);
  parse_verification_material(root.object("verificationMaterial"), bundle);

  const bool has_message = root.has("messageSignature");
  const bool has_dsse = root.has("dsseEnvelope");
  if (has_message == has_dsse) {
    throw Error(kCode, "bundle must hold exactly one of messageSignature, dsseEnvelope");
  }
  if (has_message) {
    const JsonFields message = root.object("messageSignature");
    MessageSignature parsed;
    const JsonFields digest = message.object("messageDigest");
    parsed.digest_algorithm = digest.string("algorithm");
    parsed.digest = digest.base64("digest");
    parsed.signature = message.base64("signature");
    bundle.message_signature = std::move(parsed);
  } else {
    const JsonFields envelope = root.object("dsseEnvelope");
    DsseEnvelope parsed;
    parsed.payload = envelope.base64("payload");
    parsed.payload_type = envelope.string("payloadType");
    const Json& signatures = bounded_array(envelope, "signatures");
    if (signatures.empty()) throw envelope.error("signatures", "is empty");
    for (std::size_t i = 0; i < signatures.size(); ++i) {
      const JsonFields signature = item(envelope, "signatures", signatures, i);
      parsed.signatures.push_back(
          {signature.base64("sig"), signature.optional_string("keyid").value_or("")});
    }
    bundle.dsse_envelope = std::move(parsed);
  }
  check_version_rules(bundle);
  return bundle;
}

}  // namespace sluice::verify::sigstore
