#include "verify/oci/simple_signing.h"

#include "core/base64.h"
#include "core/error.h"
#include "core/json.h"

namespace sluice::verify::oci {
namespace {

constexpr std::size_t kMaxPayloadBytes =
    std::size_t{64} * 1024;  // real ones are a few hundred bytes
constexpr std::string_view kPayloadType = "cosign container image signature";

[[noreturn]] void reject(const std::string& reason) {
  throw Error(ErrorCode::kVerificationFailed, "image signature " + reason);
}

std::string string_at(const Json& object, const char* key) {
  if (!object.is_object() || !object.contains(key) || !object.at(key).is_string()) {
    reject(std::string("payload lacks the string ") + key);
  }
  return object.at(key).get<std::string>();
}

const Json& object_at(const Json& object, const char* key) {
  if (!object.is_object() || !object.contains(key) || !object.at(key).is_object()) {
    reject(std::string("payload lacks the object ") + key);
  }
  return object.at(key);
}

}  // namespace

SimpleSigningClaims parse_simple_signing(std::string_view payload) {
  if (payload.size() > kMaxPayloadBytes) reject("payload is too large");
  const Json json = Json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) reject("payload is not JSON");
  const Json& critical = object_at(json, "critical");
  if (string_at(critical, "type") != kPayloadType) {
    reject("payload is not a cosign container image signature");
  }
  return SimpleSigningClaims{string_at(object_at(critical, "identity"), "docker-reference"),
                             string_at(object_at(critical, "image"), "docker-manifest-digest")};
}

SimpleSigningClaims verify_simple_signing(std::string_view payload,
                                          std::string_view signature_base64,
                                          std::string_view image_digest, const PublicKey& key) {
  const auto signature = decode_base64(signature_base64);
  if (!signature) reject("is not valid base64");
  if (!key.verify(*signature, payload))
    reject("does not verify with the " + key.description() + " key");
  SimpleSigningClaims claims = parse_simple_signing(payload);
  if (claims.manifest_digest != image_digest) {
    reject("is for " + claims.manifest_digest + ", not " + std::string(image_digest));
  }
  return claims;
}

}  // namespace sluice::verify::oci
