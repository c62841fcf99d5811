#pragma once

// How go-yaml v2 (the printer behind `kubectl kustomize`) chooses the style of a string
// scalar: the encoder first asks for literal, plain or double-quoted style from what the
// string means (encoder.stringv), then the emitter checks which styles can hold the text
// (yaml_emitter_analyze_scalar) and falls back plain -> single-quoted -> double-quoted and
// literal -> double-quoted (yaml_emitter_select_scalar_style). Text is valid UTF-8 here.

#include <cstddef>
#include <string_view>

namespace sluice::goyaml {

enum class ScalarStyle { kPlain, kSingleQuoted, kDoubleQuoted, kLiteral };

// The style encoder.stringv asks for: literal when the text has a '\n', else double-quoted
// when plain_is_ambiguous (goyaml_resolve.h), else plain.
ScalarStyle requested_style(std::string_view text);

// What yaml_emitter_analyze_scalar finds out about a scalar's text.
struct ScalarAnalysis {
  bool multiline = false;  // has a line break: \r, \n, U+0085, U+2028 or U+2029
  bool block_plain_allowed = true;
  bool single_quoted_allowed = true;
  bool block_allowed = true;  // literal/folded
};

ScalarAnalysis analyze_scalar(std::string_view text);

// yaml_emitter_select_scalar_style in block context (sluice never writes a scalar inside a
// flow collection: the only flow collections it writes are `{}` and `[]`).
ScalarStyle select_style(ScalarStyle requested, const ScalarAnalysis& analysis,
                         std::string_view text, bool simple_key);

// Byte-level character classes of go-yaml's yamlprivateh.go; `i` indexes a lead byte.
bool is_printable(std::string_view text, std::size_t i) noexcept;
bool is_break(std::string_view text, std::size_t i) noexcept;
inline bool is_space(std::string_view text, std::size_t i) noexcept {
  return i < text.size() && text[i] == ' ';
}
// Length of the UTF-8 sequence led by `lead`.
std::size_t utf8_width(char lead) noexcept;

}  // namespace sluice::goyaml
