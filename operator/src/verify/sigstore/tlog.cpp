#include "verify/sigstore/tlog.h"

#include <utility>

#include "core/base64.h"
#include "core/sha256.h"
#include "verify/sigstore/checkpoint.h"
#include "verify/sigstore/json_fields.h"
#include "verify/sigstore/merkle.h"

namespace sluice::verify::sigstore {
namespace {

constexpr ErrorCode kCode = ErrorCode::kVerificationFailed;

[[noreturn]] void mismatch(const std::string& what) {
  throw Error(kCode, "transparency log entry does not match the bundle: " + what);
}

// A verifier given as base64 of a PEM block (v0.0.1 kinds): a certificate or a public key.
bool pem_verifier_matches(const std::string& pem, const LoggedContent& content) {
  if (content.verifier_is_certificate) {
    if (pem.find("-----BEGIN CERTIFICATE-----") == std::string::npos) return false;
    return certificate_der(parse_certificate_pem(pem, kCode, "logged certificate").get()) ==
           content.verifier_der;
  }
  if (pem.find("-----BEGIN PUBLIC KEY-----") == std::string::npos) return false;
  return public_key_der(parse_public_key_pem(pem, kCode, "logged public key").get()) ==
         content.verifier_der;
}

// A v0.0.2 verifier: {"x509Certificate": {"rawBytes"}} or {"publicKey": {"rawBytes"}}.
bool der_verifier_matches(const JsonFields& verifier, const LoggedContent& content) {
  const char* key = content.verifier_is_certificate ? "x509Certificate" : "publicKey";
  if (!verifier.has(key)) return false;
  return verifier.object(key).base64("rawBytes") == content.verifier_der;
}

std::string hex_digest(const JsonFields& hash) {
  if (hash.string("algorithm") != "sha256") throw hash.error("algorithm", "is not sha256");
  return hash.string("value");
}

std::string raw_digest(const JsonFields& hash) {
  if (hash.string("algorithm") != "SHA2_256") throw hash.error("algorithm", "is not SHA2_256");
  return hash.base64("digest");
}

void check_hashedrekord_v001(const JsonFields& spec, const LoggedContent& content) {
  if (content.envelope != nullptr) mismatch("a DSSE bundle cannot be logged as hashedrekord 0.0.1");
  if (hex_digest(spec.object("data").object("hash")) != to_hex(content.signed_digest)) {
    mismatch("the logged artifact digest differs");
  }
  const JsonFields signature = spec.object("signature");
  if (signature.base64("content") != content.signature) mismatch("the logged signature differs");
  if (!pem_verifier_matches(signature.object("publicKey").base64("content"), content)) {
    mismatch("the logged certificate or key differs");
  }
}

void check_hashedrekord_v002(const JsonFields& spec, const LoggedContent& content) {
  const JsonFields record = spec.object("hashedRekordV002");
  if (raw_digest(record.object("data")) != content.signed_digest) {
    mismatch("the logged digest differs");
  }
  const JsonFields signature = record.object("signature");
  if (signature.base64("content") != content.signature) mismatch("the logged signature differs");
  if (!der_verifier_matches(signature.object("verifier"), content)) {
    mismatch("the logged certificate or key differs");
  }
}

// The envelope's signatures and the logged ones must be the same set.
template <typename Matches>
void check_signature_set(const Json& logged, const LoggedContent& content, Matches matches) {
  if (logged.size() != content.envelope->signatures.size()) {
    mismatch("the number of logged DSSE signatures differs");
  }
  for (const DsseSignature& signature : content.envelope->signatures) {
    bool found = false;
    for (std::size_t i = 0; i < logged.size() && !found; ++i) {
      found = matches(JsonFields(logged[i], "logged signature", kCode), signature.signature);
    }
    if (!found) mismatch("a DSSE signature is not the logged one");
  }
}

void check_dsse_v001(const JsonFields& spec, const LoggedContent& content) {
  if (content.envelope == nullptr) mismatch("a dsse entry needs a DSSE bundle");
  if (hex_digest(spec.object("payloadHash")) != sha256_hex(content.envelope->payload)) {
    mismatch("the logged DSSE payload hash differs");
  }
  check_signature_set(spec.array("signatures"), content,
                      [&](const JsonFields& logged, const std::string& signature) {
                        return logged.base64("signature") == signature &&
                               pem_verifier_matches(logged.base64("verifier"), content);
                      });
}

void check_dsse_v002(const JsonFields& spec, const LoggedContent& content) {
  if (content.envelope == nullptr) mismatch("a dsse entry needs a DSSE bundle");
  const JsonFields record = spec.object("dsseV002");
  if (raw_digest(record.object("payloadHash")) != sha256_raw(content.envelope->payload)) {
    mismatch("the logged DSSE payload hash differs");
  }
  check_signature_set(record.array("signatures"), content,
                      [&](const JsonFields& logged, const std::string& signature) {
                        return logged.base64("content") == signature &&
                               der_verifier_matches(logged.object("verifier"), content);
                      });
}

void check_intoto_v002(const JsonFields& spec, const LoggedContent& content) {
  if (content.envelope == nullptr) mismatch("an intoto entry needs a DSSE bundle");
  const JsonFields logged = spec.object("content");
  if (hex_digest(logged.object("payloadHash")) != sha256_hex(content.envelope->payload)) {
    mismatch("the logged in-toto payload hash differs");
  }
  const JsonFields envelope = logged.object("envelope");
  if (envelope.string("payloadType") != content.envelope->payload_type) {
    mismatch("the logged payload type differs");
  }
  // intoto 0.0.2 stores each signature base64-encoded once more.
  check_signature_set(envelope.array("signatures"), content,
                      [&](const JsonFields& signature, const std::string& expected) {
                        auto inner = decode_base64(signature.base64("sig"));
                        return inner && *inner == expected &&
                               pem_verifier_matches(signature.base64("publicKey"), content);
                      });
}

// The body's kind and version, which must be the ones the entry states.
std::pair<std::string, std::string> body_kind(const TlogEntry& entry, const JsonFields& fields) {
  std::string kind = fields.string("kind");
  std::string version = fields.string("apiVersion");
  if (kind != entry.kind || version != entry.version) {
    mismatch("body is " + kind + " " + version + " but the entry says " + entry.kind + " " +
             entry.version);
  }
  return {std::move(kind), std::move(version)};
}

}  // namespace

void check_entry_body(const TlogEntry& entry, const LoggedContent& content) {
  const Json body = parse_json_document(entry.canonicalized_body, "canonicalized body", kCode);
  const JsonFields fields(body, "canonicalized body", kCode);
  const auto [kind, version] = body_kind(entry, fields);
  const JsonFields spec = fields.object("spec");
  if (kind == "hashedrekord" && version == "0.0.1") return check_hashedrekord_v001(spec, content);
  if (kind == "hashedrekord" && version == "0.0.2") return check_hashedrekord_v002(spec, content);
  if (kind == "dsse" && version == "0.0.1") return check_dsse_v001(spec, content);
  if (kind == "dsse" && version == "0.0.2") return check_dsse_v002(spec, content);
  if (kind == "intoto" && version == "0.0.2") return check_intoto_v002(spec, content);
  throw Error(ErrorCode::kUnimplemented,
              "transparency log entries of kind " + kind + " " + version + " are not supported");
}

void check_cosign_signature_entry_body(const TlogEntry& entry, const LoggedContent& content) {
  const Json body = parse_json_document(entry.canonicalized_body, "canonicalized body", kCode);
  const JsonFields fields(body, "canonicalized body", kCode);
  const auto [kind, version] = body_kind(entry, fields);
  // rekord 0.0.1 (what cosign logged before hashedrekord) has hashedrekord 0.0.1's spec shape
  // for everything cosign compares: data.hash, signature.content, signature.publicKey.content.
  if ((kind == "hashedrekord" || kind == "rekord") && version == "0.0.1") {
    return check_hashedrekord_v001(fields.object("spec"), content);
  }
  throw Error(kCode,
              "a cosign signature's transparency log entry must be hashedrekord or rekord "
              "0.0.1, not " +
                  kind + " " + version);
}

std::string signed_entry_timestamp_payload(const TlogEntry& entry) {
  if (!entry.integrated_time) {
    throw Error(kCode,
                "the transparency log entry has an inclusion promise but no integrated time");
  }
  Json payload = Json::object();  // keys sorted, compact: the canonical form Rekor signs
  payload["body"] = encode_base64(entry.canonicalized_body);
  payload["integratedTime"] = *entry.integrated_time;
  payload["logID"] = to_hex(entry.log_id);
  payload["logIndex"] = entry.log_index;
  return payload.dump();
}

void verify_signed_entry_timestamp(const TlogEntry& entry, const TransparencyLog& log) {
  if (!entry.signed_entry_timestamp) throw Error(kCode, "the entry has no inclusion promise");
  if (!verify_message_signature(log.key.get(), signed_entry_timestamp_payload(entry),
                                *entry.signed_entry_timestamp)) {
    throw Error(kCode, "the signed entry timestamp does not verify under the log's key");
  }
}

void verify_inclusion_proof(const TlogEntry& entry, const TransparencyLog& log) {
  if (!entry.inclusion_proof) throw Error(kCode, "the entry has no inclusion proof");
  const InclusionProof& proof = *entry.inclusion_proof;
  const std::string root = merkle_root_from_inclusion_proof(
      static_cast<std::uint64_t>(proof.log_index), static_cast<std::uint64_t>(proof.tree_size),
      merkle_leaf_hash(entry.canonicalized_body), proof.hashes);
  if (root != proof.root_hash) {
    throw Error(kCode, "the inclusion proof does not lead to its root hash");
  }
  if (proof.checkpoint.empty()) throw Error(kCode, "the inclusion proof has no checkpoint");
  const Checkpoint checkpoint = parse_checkpoint(proof.checkpoint);
  if (checkpoint.root_hash != proof.root_hash ||
      checkpoint.tree_size != static_cast<std::uint64_t>(proof.tree_size)) {
    throw Error(kCode, "the checkpoint is for another tree than the inclusion proof");
  }
  const std::string key_hint = log.log_id.substr(0, 4);
  if (is_rekor_v1_checkpoint(checkpoint)) {
    // Rekor v1 signs its tree heads under its host name, with the origin "<host> - <tree id>";
    // sigstore clients require every signature on it to be the log's.
    if (!checkpoint_signed_only_by(checkpoint, key_hint, log.key.get())) {
      throw Error(kCode, "the checkpoint is not signed (only) by the log " + log.base_url);
    }
    return;
  }
  const std::string name = log.host();
  if (name.empty()) throw Error(kCode, "the trusted root gives no base URL for the log");
  if (checkpoint.origin != name) {
    throw Error(kCode,
                "the checkpoint's origin \"" + checkpoint.origin + "\" is not the log " + name);
  }
  if (!checkpoint_signed_by(checkpoint, name, key_hint, log.key.get())) {
    throw Error(kCode, "the checkpoint carries no valid signature of the log " + name);
  }
}

}  // namespace sluice::verify::sigstore
