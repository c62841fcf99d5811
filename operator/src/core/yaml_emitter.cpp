#include "core/yaml_emitter.h"

#include <algorithm>

#include "core/go_unicode.h"

namespace sluice::goyaml {
namespace {

constexpr int kBestIndent = 2;
constexpr int kBestWidth = 80;

}  // namespace

void Emitter::put(char c) {
  out_.push_back(c);
  ++column_;
}

void Emitter::put_break() {
  out_.push_back('\n');
  column_ = 0;
}

void Emitter::write(std::string_view text, std::size_t& i) {
  const std::size_t width = utf8_width(text[i]);
  out_.append(text.substr(i, width));
  ++column_;  // columns count characters, not bytes
  i += width;
}

void Emitter::write_break(std::string_view text, std::size_t& i) {
  if (text[i] == '\n') {
    put_break();
    ++i;
  } else {
    // \r, U+0085, U+2028 and U+2029 are copied as they are but still end the line.
    write(text, i);
    column_ = 0;
  }
}

void Emitter::write_indent() {
  const int indent = std::max(indent_, 0);
  if (!indention_ || column_ > indent || (column_ == indent && !whitespace_)) put_break();
  while (column_ < indent) put(' ');
  whitespace_ = true;
  indention_ = true;
}

void Emitter::write_indicator(std::string_view indicator, bool need_whitespace, bool is_whitespace,
                              bool is_indention) {
  if (need_whitespace && !whitespace_) put(' ');
  for (const char c : indicator) put(c);
  whitespace_ = is_whitespace;
  indention_ = indention_ && is_indention;
}

void Emitter::increase_indent(bool flow, bool indentless) {
  indents_.push_back(indent_);
  if (indent_ < 0) {
    indent_ = flow ? kBestIndent : 0;
  } else if (!indentless) {
    indent_ += kBestIndent;
  }
}

void Emitter::pop_indent() {
  indent_ = indents_.back();
  indents_.pop_back();
}

void Emitter::begin_block_mapping() {
  increase_indent(false, false);
}

void Emitter::begin_block_sequence(bool mapping_value) {
  // Right after "key:" the line holds more than indentation, so the sequence stays at the
  // key's indentation; after "? key\n:" (an indention line) it is indented.
  increase_indent(false, mapping_value && !indention_);
}

void Emitter::end_block_collection() {
  pop_indent();
}

void Emitter::key_prefix(bool simple) {
  write_indent();
  if (!simple) write_indicator("?", true, false, true);
}

void Emitter::value_prefix(bool simple) {
  if (simple) {
    write_indicator(":", false, false, false);
  } else {
    write_indent();
    write_indicator(":", true, false, true);
  }
}

void Emitter::item_prefix() {
  write_indent();
  write_indicator("-", true, false, true);
}

void Emitter::empty_flow(std::string_view brackets) {
  write_indicator(brackets.substr(0, 1), true, true, false);
  write_indicator(brackets.substr(1, 1), false, false, false);
}

void Emitter::scalar(std::string_view text, ScalarStyle style, bool simple_key) {
  increase_indent(true, false);
  switch (style) {
    case ScalarStyle::kPlain:
      write_plain(text, !simple_key);
      break;
    case ScalarStyle::kSingleQuoted:
      write_single_quoted(text, !simple_key);
      break;
    case ScalarStyle::kDoubleQuoted:
      write_double_quoted(text, !simple_key);
      break;
    case ScalarStyle::kLiteral:
      write_literal(text);
      break;
  }
  pop_indent();
}

std::string Emitter::finish() {
  write_indent();
  return std::move(out_);
}

// Folding: past column 80, the first space of a run (if the next character is not a space
// too) becomes a line break plus indentation. Reading folds it back into one space.
void Emitter::write_plain(std::string_view text, bool allow_breaks) {
  if (!whitespace_) put(' ');
  bool spaces = false;
  bool breaks = false;
  for (std::size_t i = 0; i < text.size();) {
    if (is_space(text, i)) {
      if (allow_breaks && !spaces && column_ > kBestWidth && !is_space(text, i + 1)) {
        write_indent();
        ++i;
      } else {
        write(text, i);
      }
      spaces = true;
    } else if (is_break(text, i)) {
      if (!breaks && text[i] == '\n') put_break();
      write_break(text, i);
      indention_ = true;
      breaks = true;
    } else {
      if (breaks) write_indent();
      write(text, i);
      indention_ = false;
      spaces = false;
      breaks = false;
    }
  }
  whitespace_ = false;
  indention_ = false;
}

void Emitter::write_single_quoted(std::string_view text, bool allow_breaks) {
  write_indicator("'", true, false, false);
  bool spaces = false;
  bool breaks = false;
  for (std::size_t i = 0; i < text.size();) {
    if (is_space(text, i)) {
      if (allow_breaks && !spaces && column_ > kBestWidth && i != 0 && i != text.size() - 1 &&
          !is_space(text, i + 1)) {
        write_indent();
        ++i;
      } else {
        write(text, i);
      }
      spaces = true;
    } else if (is_break(text, i)) {
      if (!breaks && text[i] == '\n') put_break();
      write_break(text, i);
      indention_ = true;
      breaks = true;
    } else {
      if (breaks) write_indent();
      if (text[i] == '\'') put('\'');
      write(text, i);
      indention_ = false;
      spaces = false;
      breaks = false;
    }
  }
  write_indicator("'", false, false, false);
  whitespace_ = false;
  indention_ = false;
}

void Emitter::write_escape(std::string_view text, std::size_t& i) {
  const DecodedRune decoded = decode_rune(text.substr(i));
  i += std::max<std::size_t>(decoded.size, 1);
  put('\\');
  switch (decoded.rune) {
    case 0x00:
      put('0');
      return;
    case 0x07:
      put('a');
      return;
    case 0x08:
      put('b');
      return;
    case 0x09:
      put('t');
      return;
    case 0x0A:
      put('n');
      return;
    case 0x0B:
      put('v');
      return;
    case 0x0C:
      put('f');
      return;
    case 0x0D:
      put('r');
      return;
    case 0x1B:
      put('e');
      return;
    case 0x22:
      put('"');
      return;
    case 0x5C:
      put('\\');
      return;
    case 0x85:
      put('N');
      return;
    case 0xA0:
      put('_');
      return;
    case 0x2028:
      put('L');
      return;
    case 0x2029:
      put('P');
      return;
    default:
      break;
  }
  int digits = 8;
  if (decoded.rune <= 0xFF) {
    put('x');
    digits = 2;
  } else if (decoded.rune <= 0xFFFF) {
    put('u');
    digits = 4;
  } else {
    put('U');
  }
  for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
    put("0123456789ABCDEF"[(decoded.rune >> shift) & 0x0F]);
  }
}

void Emitter::write_double_quoted(std::string_view text, bool allow_breaks) {
  write_indicator("\"", true, false, false);
  // go-yaml's is_bom looks at the start of the whole value, not at the current character, so
  // a value that starts with U+FEFF gets every character escaped.
  const bool bom_first = text.starts_with("\xEF\xBB\xBF");
  bool spaces = false;
  for (std::size_t i = 0; i < text.size();) {
    if (!is_printable(text, i) || bom_first || is_break(text, i) || text[i] == '"' ||
        text[i] == '\\') {
      write_escape(text, i);
      spaces = false;
    } else if (is_space(text, i)) {
      if (allow_breaks && !spaces && column_ > kBestWidth && i > 0 && i < text.size() - 1) {
        write_indent();
        // A space right after the fold would be eaten as indentation; escape it.
        if (is_space(text, i + 1)) put('\\');
        ++i;
      } else {
        write(text, i);
      }
      spaces = true;
    } else {
      write(text, i);
      spaces = false;
    }
  }
  write_indicator("\"", false, false, false);
  whitespace_ = false;
  indention_ = false;
}

void Emitter::write_literal(std::string_view text) {
  write_indicator("|", true, false, false);
  // Indentation indicator when the first line starts with a space or is empty; chomping
  // '-' without a final line break, '+' with more than one (or when the value is one break).
  if (is_space(text, 0) || is_break(text, 0)) write_indicator("2", false, false, false);
  const auto rune_start = [&](std::size_t i) {
    while (i > 0 && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) --i;
    return i;
  };
  std::string_view chomp;
  if (text.empty()) {
    chomp = "-";
  } else {
    std::size_t last = rune_start(text.size() - 1);
    if (!is_break(text, last)) {
      chomp = "-";
    } else if (last == 0 || is_break(text, rune_start(last - 1))) {
      chomp = "+";
    }
  }
  if (!chomp.empty()) write_indicator(chomp, false, false, false);
  put_break();
  indention_ = true;
  whitespace_ = true;
  bool breaks = true;
  for (std::size_t i = 0; i < text.size();) {
    if (is_break(text, i)) {
      write_break(text, i);
      indention_ = true;
      breaks = true;
    } else {
      if (breaks) write_indent();
      write(text, i);
      indention_ = false;
      breaks = false;
    }
  }
}

}  // namespace sluice::goyaml
