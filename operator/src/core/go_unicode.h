#pragma once

// The few pieces of Go's unicode and unicode/utf8 packages that the YAML writer must copy
// exactly, because kustomize's output depends on them: which runes sort as letters or digits
// (go-yaml v2's key order) and how bad UTF-8 is read (Go's encoding/json replaces it).

#include <cstddef>
#include <string>
#include <string_view>

namespace sluice::goyaml {

// unicode.IsLetter (category L) and unicode.IsDigit (category Nd) as of Unicode 15.0.0, the
// tables of Go 1.21 through 1.26; kubectl v1.32 (kustomize v5.5) is built with Go 1.23.
bool is_letter(char32_t rune) noexcept;
bool is_digit(char32_t rune) noexcept;

inline constexpr char32_t kRuneError = U'\uFFFD';

struct DecodedRune {
  char32_t rune;
  std::size_t size;  // bytes consumed: 1 for an invalid byte, 0 only for empty input
};

// utf8.DecodeRuneInString: the first rune of `text`, or {kRuneError, 1} when the first byte
// does not start a valid, shortest-form, non-surrogate encoding (so each bad byte counts once).
DecodedRune decode_rune(std::string_view text) noexcept;

// Appends the UTF-8 encoding of a valid rune.
void append_rune(std::string& out, char32_t rune);

}  // namespace sluice::goyaml
