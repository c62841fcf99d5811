#include "core/yaml_scalar_style.h"

#include <cstdint>

#include "core/goyaml_resolve.h"

namespace sluice::goyaml {
namespace {

bool is_blank(std::string_view text, std::size_t i) noexcept {
  return i < text.size() && (text[i] == ' ' || text[i] == '\t');
}

bool is_blankz(std::string_view text, std::size_t i) noexcept {
  return is_blank(text, i) || is_break(text, i) || (i < text.size() && text[i] == '\0');
}

std::uint8_t byte_at(std::string_view text, std::size_t i) noexcept {
  return i < text.size() ? static_cast<std::uint8_t>(text[i]) : 0;
}

}  // namespace

ScalarStyle requested_style(std::string_view text) {
  if (text.find('\n') != std::string_view::npos) return ScalarStyle::kLiteral;
  return plain_is_ambiguous(text) ? ScalarStyle::kDoubleQuoted : ScalarStyle::kPlain;
}

std::size_t utf8_width(char lead) noexcept {
  const auto b = static_cast<std::uint8_t>(lead);
  if ((b & 0x80) == 0) return 1;
  if ((b & 0xE0) == 0xC0) return 2;
  if ((b & 0xF0) == 0xE0) return 3;
  if ((b & 0xF8) == 0xF0) return 4;
  return 1;  // not reached for valid UTF-8
}

bool is_printable(std::string_view text, std::size_t i) noexcept {
  const std::uint8_t b = byte_at(text, i);
  const std::uint8_t b1 = byte_at(text, i + 1);
  const std::uint8_t b2 = byte_at(text, i + 2);
  // Tab, CR, U+0085, U+FEFF and everything past U+FFFF (4-byte forms, e.g. emoji) are not
  // "printable" to go-yaml v2, which is why they end up escaped in double quotes.
  return b == 0x0A || (b >= 0x20 && b <= 0x7E) || (b == 0xC2 && b1 >= 0xA0) ||
         (b > 0xC2 && b < 0xED) || (b == 0xED && b1 < 0xA0) || b == 0xEE ||
         (b == 0xEF && !(b1 == 0xBB && b2 == 0xBF) && !(b1 == 0xBF && (b2 == 0xBE || b2 == 0xBF)));
}

bool is_break(std::string_view text, std::size_t i) noexcept {
  const std::uint8_t b = byte_at(text, i);
  const std::uint8_t b1 = byte_at(text, i + 1);
  const std::uint8_t b2 = byte_at(text, i + 2);
  return b == '\r' || b == '\n' || (b == 0xC2 && b1 == 0x85) ||
         (b == 0xE2 && b1 == 0x80 && (b2 == 0xA8 || b2 == 0xA9));
}

ScalarAnalysis analyze_scalar(std::string_view text) {
  ScalarAnalysis result;
  if (text.empty()) {
    result.block_allowed = false;
    return result;
  }
  bool block_indicators = text.starts_with("---") || text.starts_with("...");
  bool line_breaks = false;
  bool special_characters = false;
  bool leading_space = false;
  bool leading_break = false;
  bool trailing_space = false;
  bool trailing_break = false;
  bool break_space = false;
  bool space_break = false;
  bool previous_space = false;
  bool previous_break = false;
  bool preceded_by_whitespace = true;
  for (std::size_t i = 0, w = 0; i < text.size(); i += w) {
    w = utf8_width(text[i]);
    const bool followed_by_whitespace = i + w >= text.size() || is_blank(text, i + w);
    const char c = text[i];
    // Flow indicators (',', '[', ...) inside the text only matter in flow context, which
    // sluice never writes scalars in.
    if (i == 0) {
      const bool always = std::string_view("#,[]{}&*!|>'\"%@`").find(c) != std::string_view::npos;
      const bool before_space = (c == '?' || c == ':' || c == '-') && followed_by_whitespace;
      block_indicators = block_indicators || always || before_space;
    } else if ((c == ':' && followed_by_whitespace) || (c == '#' && preceded_by_whitespace)) {
      block_indicators = true;
    }
    if (!is_printable(text, i)) special_characters = true;
    if (is_space(text, i)) {
      leading_space = leading_space || i == 0;
      trailing_space = trailing_space || i + w == text.size();
      break_space = break_space || previous_break;
      previous_space = true;
      previous_break = false;
    } else if (is_break(text, i)) {
      line_breaks = true;
      leading_break = leading_break || i == 0;
      trailing_break = trailing_break || i + w == text.size();
      space_break = space_break || previous_space;
      previous_space = false;
      previous_break = true;
    } else {
      previous_space = false;
      previous_break = false;
    }
    preceded_by_whitespace = is_blankz(text, i);
  }
  result.multiline = line_breaks;
  if (leading_space || leading_break || trailing_space || trailing_break || line_breaks ||
      block_indicators) {
    result.block_plain_allowed = false;
  }
  if (trailing_space) result.block_allowed = false;
  if (break_space) {
    result.block_plain_allowed = false;
    result.single_quoted_allowed = false;
  }
  if (space_break || special_characters) {
    result.block_plain_allowed = false;
    result.single_quoted_allowed = false;
    result.block_allowed = false;
  }
  return result;
}

ScalarStyle select_style(ScalarStyle requested, const ScalarAnalysis& analysis,
                         std::string_view text, bool simple_key) {
  ScalarStyle style = requested;
  if (simple_key && analysis.multiline) style = ScalarStyle::kDoubleQuoted;
  if (style == ScalarStyle::kPlain) {
    if (!analysis.block_plain_allowed || (text.empty() && simple_key)) {
      style = ScalarStyle::kSingleQuoted;
    }
  }
  if (style == ScalarStyle::kSingleQuoted && !analysis.single_quoted_allowed) {
    style = ScalarStyle::kDoubleQuoted;
  }
  if (style == ScalarStyle::kLiteral && (!analysis.block_allowed || simple_key)) {
    style = ScalarStyle::kDoubleQuoted;
  }
  return style;
}

}  // namespace sluice::goyaml
