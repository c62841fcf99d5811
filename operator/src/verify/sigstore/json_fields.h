#pragma once
// Reading the protobuf-JSON documents of sigstore (bundles, trusted roots, Rekor entry bodies)
// as untrusted input: bounded nesting depth, exact types, strict base64, int64 fields that
// protobuf-JSON writes as strings, RFC 3339 timestamps. Every failure throws
// kVerificationFailed (kInvalidArgument for trusted-root files) naming the field.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/json.h"

namespace sluice::verify::sigstore {

using sluice::Json;

// Deepest nesting any sigstore document needs is 8; refuse far deeper input before it costs.
inline constexpr int kMaxJsonDepth = 32;

// Parses `text` as one JSON document (no trailing data). `what` names it in errors.
Json parse_json_document(std::string_view text, std::string_view what, ErrorCode code);

// Field access on a JSON object; `where` is the path shown in errors
// ("bundle.verificationMaterial").
class JsonFields {
 public:
  JsonFields(const Json& object, std::string where, ErrorCode code);

  const Json& json() const noexcept { return object_; }
  const std::string& where() const noexcept { return where_; }
  // Present and not null (protobuf-JSON's null means "not set").
  bool has(std::string_view key) const;

  JsonFields object(std::string_view key) const;
  std::optional<JsonFields> optional_object(std::string_view key) const;
  const Json& array(std::string_view key) const;  // present and an array
  std::string string(std::string_view key) const;
  std::optional<std::string> optional_string(std::string_view key) const;
  // A protobuf-JSON bytes field (see decode_protobuf_bytes); an empty value is refused unless
  // allow_empty.
  std::string base64(std::string_view key, bool allow_empty = false) const;
  // protobuf-JSON int64: a decimal string (or a JSON integer); must fit int64.
  std::int64_t int64(std::string_view key) const;
  std::optional<std::int64_t> optional_int64(std::string_view key) const;
  // RFC 3339 timestamp ("2021-01-12T11:53:27Z", fractions and offsets allowed) in Unix seconds;
  // fractions are kept as `round_up` says (window starts round up, ends round down).
  std::int64_t timestamp(std::string_view key, bool round_up) const;

  [[nodiscard]] Error error(std::string_view key, std::string_view problem) const;

 private:
  const Json* find(std::string_view key) const;

  const Json& object_;
  std::string where_;
  ErrorCode code_;
};

// Decodes protobuf-JSON bytes as Go's protojson (which sigstore-go uses) does: standard or
// URL-safe base64 (not a mix), padding optional, CR and LF ignored (`base64` wraps its output);
// anything else outside the alphabet, misplaced padding or non-zero trailing bits is refused.
std::optional<std::string> decode_protobuf_bytes(std::string_view text);

// Unix seconds of an RFC 3339 timestamp, nullopt when malformed.
std::optional<std::int64_t> parse_rfc3339(std::string_view text, bool round_up);

}  // namespace sluice::verify::sigstore
