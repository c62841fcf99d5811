#include "verify/oci/rekor_bundle.h"

#include <algorithm>
#include <limits>

#include <nlohmann/json.hpp>
#include <openssl/evp.h>

#include "core/base64.h"
#include "core/error.h"
#include "core/sha256.h"
#include "verify/sigstore/crypto.h"
#include "verify/sigstore/json_fields.h"
#include "verify/sigstore/tlog.h"

namespace sluice::verify::oci {
namespace {

// Document order matters: Go assigns fields in the order it meets their keys (the last wins).
using OrderedJson = nlohmann::ordered_json;

constexpr ErrorCode kCode = ErrorCode::kVerificationFailed;
constexpr int kMaxDepth = 32;

[[noreturn]] void refuse(const std::string& field, const std::string& problem) {
  throw Error(kCode, "cosign Rekor bundle: " + field + " " + problem);
}

// Go's encoding/json key folding: ASCII case plus the two non-ASCII letters that fold to ASCII
// ones (U+017F long s, U+212A Kelvin sign).
std::string fold_key(std::string_view key) {
  std::string folded;
  for (std::size_t i = 0; i < key.size(); ++i) {
    if (key.substr(i, 2) == "\xC5\xBF") {
      folded += 's';
      ++i;
    } else if (key.substr(i, 3) == "\xE2\x84\xAA") {
      folded += 'k';
      i += 2;
    } else {
      const char c = key[i];
      folded += c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    }
  }
  return folded;
}

// The value Go decodes into field `name` of `object`: Go assigns every key that matches the
// field (exactly or case-insensitively) in document order, so the last match wins; nullptr
// when none matches (Go leaves the zero value).
const OrderedJson* field(const OrderedJson& object, std::string_view name) {
  const OrderedJson* found = nullptr;
  const std::string wanted = fold_key(name);
  for (const auto& [key, value] : object.items()) {
    if (fold_key(key) == wanted) found = &value;
  }
  return found;
}

// JSON null and absence both leave Go's zero value.
bool is_set(const OrderedJson* value) {
  return value != nullptr && !value->is_null();
}

std::string go_string(const OrderedJson* value, const std::string& name) {
  if (!is_set(value)) return "";
  if (!value->is_string()) refuse(name, "is not a string");
  return value->get<std::string>();
}

// encoding/json's []byte: standard base64 with padding; CR and LF are skipped.
std::string go_bytes(const std::string& text, const std::string& name) {
  std::string compact = text;
  std::erase_if(compact, [](char c) { return c == '\r' || c == '\n'; });
  std::optional<std::string> decoded = decode_base64(compact);
  if (!decoded) refuse(name, "is not valid base64");
  return std::move(*decoded);
}

std::int64_t go_int64(const OrderedJson* value, const std::string& name) {
  if (!is_set(value)) return 0;
  if (value->is_number_integer() && !value->is_number_unsigned()) {
    return value->get<std::int64_t>();
  }
  if (value->is_number_unsigned() &&
      value->get<std::uint64_t>() <=
          static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return static_cast<std::int64_t>(value->get<std::uint64_t>());
  }
  refuse(name, "is not an integer that fits int64");
}

OrderedJson parse_document(std::string_view annotation) {
  if (annotation.size() > kMaxRekorBundleBytes) {
    throw Error(ErrorCode::kResourceExhausted, "cosign Rekor bundle is larger than " +
                                                   std::to_string(kMaxRekorBundleBytes) + " bytes");
  }
  bool too_deep = false;
  const OrderedJson::parser_callback_t limit_depth =
      [&too_deep](int depth, OrderedJson::parse_event_t, OrderedJson&) {
        if (depth > kMaxDepth) too_deep = true;
        return !too_deep;
      };
  OrderedJson document;
  try {
    document = OrderedJson::parse(annotation.begin(), annotation.end(), limit_depth);
  } catch (const OrderedJson::exception& e) {
    throw Error(kCode, std::string("cosign Rekor bundle is not valid JSON: ") + e.what());
  }
  if (too_deep) {
    throw Error(ErrorCode::kResourceExhausted,
                "cosign Rekor bundle nests JSON deeper than " + std::to_string(kMaxDepth));
  }
  if (!document.is_object()) throw Error(kCode, "cosign Rekor bundle is not a JSON object");
  return document;
}

}  // namespace

RekorBundle parse_rekor_bundle(std::string_view annotation) {
  const OrderedJson document = parse_document(annotation);
  RekorBundle bundle;
  bundle.signed_entry_timestamp =
      go_bytes(go_string(field(document, "SignedEntryTimestamp"), "SignedEntryTimestamp"),
               "SignedEntryTimestamp");
  const OrderedJson* payload = field(document, "Payload");
  if (!is_set(payload)) refuse("Payload", "is missing");
  if (!payload->is_object()) refuse("Payload", "is not an object");

  // cosign asserts the body is a string (and decodes it as base64 of the entry).
  const OrderedJson* body = field(*payload, "body");
  if (!is_set(body) || !body->is_string()) refuse("Payload.body", "is not a string");
  bundle.body = go_bytes(body->get<std::string>(), "Payload.body");
  bundle.integrated_time = go_int64(field(*payload, "integratedTime"), "Payload.integratedTime");
  bundle.log_index = go_int64(field(*payload, "logIndex"), "Payload.logIndex");
  const std::string log_id = go_string(field(*payload, "logID"), "Payload.logID");
  std::optional<std::string> raw_log_id = from_hex(log_id);
  if (!raw_log_id) refuse("Payload.logID", "is not hex");
  bundle.log_id = std::move(*raw_log_id);
  return bundle;
}

sigstore::TlogEntry rekor_bundle_entry(const RekorBundle& bundle) {
  const sigstore::Json body =
      sigstore::parse_json_document(bundle.body, "cosign Rekor bundle's entry body", kCode);
  const sigstore::JsonFields fields(body, "cosign Rekor bundle's entry body", kCode);
  sigstore::TlogEntry entry;
  entry.log_index = bundle.log_index;
  entry.log_id = bundle.log_id;
  entry.kind = fields.string("kind");
  entry.version = fields.string("apiVersion");
  entry.integrated_time = bundle.integrated_time;
  entry.signed_entry_timestamp = bundle.signed_entry_timestamp;
  entry.canonicalized_body = bundle.body;
  return entry;
}

std::int64_t verify_rekor_bundle(const RekorBundle& bundle, const LoggedSignature& signature,
                                 const sigstore::TrustedRoot& root, std::int64_t now) {
  const sigstore::TlogEntry entry = rekor_bundle_entry(bundle);
  sigstore::LoggedContent content;
  content.verifier_der = signature.verifier_der;
  content.verifier_is_certificate = signature.verifier_is_certificate;
  content.signed_digest = sigstore::sha256_raw(signature.payload);
  content.signature = signature.signature;
  sigstore::check_cosign_signature_entry_body(entry, content);

  const sigstore::TransparencyLog* log = root.find_tlog(entry.log_id);
  if (log == nullptr) {
    throw Error(kCode, "the Rekor bundle's log " + to_hex(entry.log_id) +
                           " is not a transparency log of the trusted root");
  }
  if (!log->valid_for.contains(bundle.integrated_time)) {
    throw Error(kCode, "the Rekor bundle's integrated time " +
                           std::to_string(bundle.integrated_time) +
                           " is outside the log key's validity in the trusted root");
  }
  // cosign verifies SETs with ECDSA over SHA-256 of the canonical payload, whatever the curve.
  if (EVP_PKEY_base_id(log->key.get()) != EVP_PKEY_EC) {
    throw Error(kCode, "the trusted root's key for log " + to_hex(entry.log_id) +
                           " is not an ECDSA key, which cosign requires for SETs");
  }
  const std::string digest = sigstore::sha256_raw(sigstore::signed_entry_timestamp_payload(entry));
  if (!sigstore::verify_digest_signature(log->key.get(), digest, bundle.signed_entry_timestamp)) {
    throw Error(kCode,
                "the Rekor bundle's signed entry timestamp does not verify under the log's "
                "key");
  }
  if (bundle.integrated_time > now) {
    throw Error(kCode, "the Rekor bundle's integrated time " +
                           std::to_string(bundle.integrated_time) + " is in the future");
  }
  return bundle.integrated_time;
}

std::int64_t verify_layer_rekor_bundle(const Descriptor& layer, std::string_view payload,
                                       std::string_view signature_base64, std::string verifier_der,
                                       bool verifier_is_certificate,
                                       const sigstore::TrustedRoot& root, std::int64_t now) {
  const auto annotation = layer.annotations.find(kRekorBundleAnnotation);
  if (annotation == layer.annotations.end() || annotation->second.empty()) {
    throw Error(kCode,
                "layer " + layer.digest + " has no Rekor bundle (offline verification needs one)");
  }
  const std::optional<std::string> signature = decode_base64(signature_base64);
  if (!signature) throw Error(kCode, "layer " + layer.digest + ": signature is not base64");
  const LoggedSignature logged{payload, *signature, std::move(verifier_der),
                               verifier_is_certificate};
  try {
    return verify_rekor_bundle(parse_rekor_bundle(annotation->second), logged, root, now);
  } catch (const Error& e) {
    throw e.with_context("layer " + layer.digest);
  }
}

}  // namespace sluice::verify::oci
