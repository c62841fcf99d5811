#include "server/text_format.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <system_error>

#include "core/go_unicode.h"

namespace sluice::server::text_format {
namespace {

bool is_letter_or_underscore(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

}  // namespace

bool is_valid_metric_name(std::string_view name) noexcept {
  if (name.empty() || is_digit(name.front())) return false;
  for (const char c : name) {
    if (!is_letter_or_underscore(c) && !is_digit(c) && c != ':') return false;
  }
  return true;
}

bool is_valid_label_name(std::string_view name) noexcept {
  if (name.empty() || is_digit(name.front()) || name.starts_with("__")) return false;
  for (const char c : name) {
    if (!is_letter_or_underscore(c) && !is_digit(c)) return false;
  }
  return true;
}

bool is_valid_utf8(std::string_view text) noexcept {
  while (!text.empty()) {
    const auto decoded = goyaml::decode_rune(text);
    // U+FFFD spelled out takes three bytes; one byte read as U+FFFD is a bad encoding.
    if (decoded.rune == goyaml::kRuneError && decoded.size == 1) return false;
    text.remove_prefix(decoded.size);
  }
  return true;
}

std::string format_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  // Counts are the common case; below 1e15 every integer is exact in a double and plain digits
  // read better than the exponent form the shortest representation would pick for 1e6.
  if (std::trunc(value) == value && std::fabs(value) < 1e15) {
    return std::to_string(static_cast<std::int64_t>(value));
  }
  std::array<char, 32> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  // 32 characters hold any double's shortest form (at most 24), so this cannot fail.
  if (result.ec != std::errc()) return "NaN";
  return {buffer.data(), result.ptr};
}

void append_label_value(std::string& out, std::string_view value) {
  for (const char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
}

void append_help(std::string& out, std::string_view help) {
  for (const char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

void append_sample(std::string& out, std::string_view name, const std::vector<std::string>& names,
                   const std::vector<std::string>& values, std::string_view extra_name,
                   std::string_view extra_value, double value) {
  out += name;
  if (!names.empty() || !extra_name.empty()) {
    char separator = '{';
    for (std::size_t i = 0; i < names.size(); ++i) {
      out += separator;
      out += names[i];
      out += "=\"";
      append_label_value(out, values[i]);
      out += '"';
      separator = ',';
    }
    if (!extra_name.empty()) {
      out += separator;
      out += extra_name;
      out += "=\"";
      append_label_value(out, extra_value);
      out += '"';
    }
    out += '}';
  }
  out += ' ';
  out += format_value(value);
  out += '\n';
}

}  // namespace sluice::server::text_format
