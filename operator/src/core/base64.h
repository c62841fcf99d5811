#pragma once
// Standard base64 (RFC 4648 section 4, with padding), strict: every character must belong to
// the alphabet, padding only at the end, and the bits after the last byte must be zero, so one
// byte string has exactly one accepted encoding. Untrusted input (keys, signatures, known_hosts)
// goes through here.
#include <optional>
#include <string>
#include <string_view>

namespace sluice {

enum class Base64Whitespace {
  kReject,  // any whitespace is an error
  kSkip,    // ASCII whitespace anywhere is ignored (armored blocks wrap their lines)
};

// The decoded bytes, or nullopt when `text` is not valid base64. Empty text decodes to "".
std::optional<std::string> decode_base64(std::string_view text,
                                         Base64Whitespace whitespace = Base64Whitespace::kReject);

std::string encode_base64(std::string_view bytes);

}  // namespace sluice
