#include "core/go_format.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/error.h"

namespace sluice::goyaml {
namespace {

// A finite non-zero double as value = 0.DIGITS x 10^point, DIGITS the shortest that round-trip
// (what both std::to_chars and Go's strconv compute), without trailing zeros.
struct ShortestDecimal {
  bool negative = false;
  std::string digits;
  int point = 0;
};

ShortestDecimal shortest_decimal(double value) {
  std::array<char, 64> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value,
                                    std::chars_format::scientific);
  const std::string_view text(buffer.data(), static_cast<std::size_t>(result.ptr - buffer.data()));
  // text is "[-]d[.ddd]e(+|-)xx"
  ShortestDecimal decimal;
  std::size_t i = 0;
  if (text[i] == '-') {
    decimal.negative = true;
    ++i;
  }
  const std::size_t e = text.find('e', i);
  for (; i < e; ++i) {
    if (text[i] != '.') decimal.digits.push_back(text[i]);
  }
  int exponent = 0;
  const char* exponent_begin = text.data() + e + 1;
  if (*exponent_begin == '+') ++exponent_begin;
  std::from_chars(exponent_begin, text.data() + text.size(), exponent);
  decimal.point = exponent + 1;
  return decimal;
}

}  // namespace

std::string format_float_g(double value) {
  if (value == 0) return std::signbit(value) ? "-0" : "0";
  const ShortestDecimal d = shortest_decimal(value);
  const int digit_count = static_cast<int>(d.digits.size());
  std::string out = d.negative ? "-" : "";
  const int exponent = d.point - 1;
  if (exponent < -4 || exponent >= 6) {
    out += d.digits[0];
    if (digit_count > 1) {
      out += '.';
      out.append(d.digits, 1);
    }
    out += exponent < 0 ? "e-" : "e+";
    const int magnitude = std::abs(exponent);
    if (magnitude < 10) out += '0';
    out += std::to_string(magnitude);
    return out;
  }
  if (d.point > 0) {
    for (int i = 0; i < d.point; ++i) out += i < digit_count ? d.digits[i] : '0';
  } else {
    out += '0';
  }
  if (digit_count > d.point) {
    out += '.';
    for (int i = d.point; i < digit_count; ++i) out += i < 0 ? '0' : d.digits[i];
  }
  return out;
}

std::string float_scalar(double value) {
  if (!std::isfinite(value)) {
    throw Error(ErrorCode::kInvalidArgument,
                "cannot write " + std::string(std::isnan(value) ? "NaN" : "an infinite number") +
                    " (JSON has no such number)");
  }
  // json.Marshal writes 0 and -0 as "0" and "-0"; both read back as the int 0.
  if (value == 0) return "0";
  // json.Marshal uses %e below 1e-6 and from 1e21 on; that text always reads back as a float.
  const double magnitude = std::fabs(value);
  if (magnitude < 1e-6 || magnitude >= 1e21) return format_float_g(value);
  const ShortestDecimal d = shortest_decimal(value);
  if (d.point < static_cast<int>(d.digits.size())) return format_float_g(value);
  // An integral value: json.Marshal writes the shortest digits padded with zeros (so 2^63
  // becomes 9223372036854776000), and go-yaml keeps that text if it fits int64 or uint64.
  std::string text = (d.negative ? "-" : "") + d.digits;
  text.append(static_cast<std::size_t>(d.point) - d.digits.size(), '0');
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  std::int64_t signed_value = 0;
  if (std::from_chars(begin, end, signed_value).ec == std::errc()) return text;
  std::uint64_t unsigned_value = 0;
  if (!d.negative && std::from_chars(begin, end, unsigned_value).ec == std::errc()) return text;
  return format_float_g(value);
}

}  // namespace sluice::goyaml
