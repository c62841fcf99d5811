#include "core/goyaml_resolve.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <system_error>

#include "core/error.h"
#include "core/json.h"
#include "core/yaml_resolve.h"

namespace sluice::goyaml {
namespace {

bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

char lower(char c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string without_underscores(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c != '_') out.push_back(c);
  }
  return out;
}

// strconv's underscoreOK: `_` may only separate digits (a base prefix counts as a digit).
bool underscores_ok(std::string_view s) noexcept {
  char saw = '^';
  std::size_t i = 0;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  bool hex = false;
  if (s.size() >= 2 && s[0] == '0' &&
      (lower(s[1]) == 'b' || lower(s[1]) == 'o' || lower(s[1]) == 'x')) {
    i = 2;
    saw = '0';
    hex = lower(s[1]) == 'x';
  }
  for (; i < s.size(); ++i) {
    if (is_digit(s[i]) || (hex && lower(s[i]) >= 'a' && lower(s[i]) <= 'f')) {
      saw = '0';
    } else if (s[i] == '_') {
      if (saw != '0') return false;
      saw = '_';
    } else {
      if (saw == '_') return false;
      saw = '!';
    }
  }
  return saw != '_';
}

// Whether strconv.ParseFloat(s, 64) succeeds, for the decimal syntax (with `_` separators)
// that is all go-yaml hands it: '.'-led text, or text that matched its float pattern. It fails
// on bad syntax and on overflow; underflow quietly yields 0 and counts as success.
bool go_parse_decimal_float(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  bool saw_digits = false;
  bool saw_dot = false;
  bool underscores = false;
  for (; i < s.size(); ++i) {
    if (s[i] == '_') {
      underscores = true;
    } else if (s[i] == '.' && !saw_dot) {
      saw_dot = true;
    } else if (is_digit(s[i])) {
      saw_digits = true;
    } else {
      break;
    }
  }
  if (!saw_digits) return false;
  if (i < s.size() && lower(s[i]) == 'e') {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (i >= s.size() || !is_digit(s[i])) return false;
    for (; i < s.size() && (is_digit(s[i]) || s[i] == '_'); ++i) {
      if (s[i] == '_') underscores = true;
    }
  }
  if (i != s.size() || (underscores && !underscores_ok(s))) return false;

  std::string plain = without_underscores(s);
  std::string_view number = plain;
  if (number.front() == '+') number.remove_prefix(1);
  double value = 0;
  const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (ec != std::errc::result_out_of_range) return ec == std::errc();
  // Out of range either way; only overflow is an error to Go. The decimal order of magnitude
  // tells which: out-of-range values are beyond 1e308 or below 1e-323.
  const std::size_t e = number.find_first_of("eE");
  const std::string_view mantissa = number.substr(0, e);
  long long order = 0;
  const std::size_t dot = mantissa.find('.');
  const std::size_t first_nonzero = mantissa.find_first_of("123456789");
  const std::size_t int_end = dot == std::string_view::npos ? mantissa.size() : dot;
  if (first_nonzero < int_end) {
    order = static_cast<long long>(int_end - first_nonzero);
  } else if (first_nonzero != std::string_view::npos) {
    order = -static_cast<long long>(first_nonzero - int_end - 1);
  }
  if (e != std::string_view::npos) {
    std::string_view exponent = number.substr(e + 1);
    const bool negative = !exponent.empty() && exponent.front() == '-';
    if (!exponent.empty() && (exponent.front() == '-' || exponent.front() == '+')) {
      exponent.remove_prefix(1);
    }
    long long magnitude = 0;
    for (const char c : exponent) magnitude = std::min(magnitude * 10 + (c - '0'), 100'000LL);
    order += negative ? -magnitude : magnitude;
  }
  return order <= 0;
}

// strconv.ParseInt(s, 2, 64) / ParseUint(s, 2, 64) succeed: optional sign (ParseInt only),
// then at least one binary digit, within range.
bool go_parse_binary(std::string_view s, bool allow_sign) {
  bool negative = false;
  if (allow_sign && !s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return false;
  std::size_t bits = 0;
  std::uint64_t value = 0;
  for (const char c : s) {
    if (c != '0' && c != '1') return false;
    if (bits > 0 || c == '1') ++bits;
    value = (value << 1) | static_cast<std::uint64_t>(c - '0');
  }
  if (bits > 64) return false;
  if (!allow_sign) return true;
  constexpr std::uint64_t kSignBit = std::uint64_t{1} << 63;
  return negative ? value <= kSignBit : value < kSignBit;
}

// go-yaml v2's isBase60Float: ^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$
bool is_base60_float(std::string_view s) noexcept {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  if (i >= s.size() || !is_digit(s[i])) return false;
  ++i;
  while (i < s.size() && (is_digit(s[i]) || s[i] == '_')) ++i;
  bool groups = false;
  while (i < s.size() && s[i] == ':') {
    ++i;
    // [0-5]?[0-9] then ':', '.' or the end: two digits whenever they fit, since a one-digit
    // match would leave a digit where none may follow.
    if (i + 1 < s.size() && s[i] >= '0' && s[i] <= '5' && is_digit(s[i + 1])) {
      i += 2;
    } else if (i < s.size() && is_digit(s[i])) {
      ++i;
    } else {
      return false;
    }
    groups = true;
  }
  if (!groups) return false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && (is_digit(s[i]) || s[i] == '_')) ++i;
  }
  return i == s.size();
}

// go-yaml v2's resolve("", text) != "!!str".
bool resolves_to_non_string(std::string_view text) {
  if (text.empty()) return true;  // null
  const char first = text[0];
  const bool sign = first == '+' || first == '-';
  const bool digit = is_digit(first);
  const bool dot = first == '.';
  const bool word = std::string_view("yYnNtTfFoO~").find(first) != std::string_view::npos;
  // Only these first characters are looked at further ("<<" is in go-yaml's table too, but
  // '<' is not a hint, so it stays a string).
  if (!sign && !digit && !dot && !word) return false;

  static constexpr std::array<std::string_view, 38> kWords = {
      "y",    "Y",    "yes",   "Yes",   "YES",   "true",  "True",  "TRUE",  "on",    "On",
      "ON",   "n",    "N",     "no",    "No",    "NO",    "false", "False", "FALSE", "off",
      "Off",  "OFF",  "~",     "null",  "Null",  "NULL",  ".nan",  ".NaN",  ".NAN",  ".inf",
      ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF"};
  for (const std::string_view w : kWords) {
    if (w == text) return true;
  }
  if (word) return false;
  if (dot) return go_parse_decimal_float(text);

  // go-yaml v2 tries the same timestamp layouts and Go number syntax as yaml.v3.
  if (yaml_resolve::parse_yaml_timestamp(text)) return true;
  const std::string plain = without_underscores(text);
  if (yaml_resolve::parse_go_int(plain) || yaml_resolve::parse_go_uint(plain)) return true;
  if (yaml_resolve::looks_like_yaml_float(plain) && go_parse_decimal_float(plain)) return true;
  const std::string_view p = plain;
  if (p.starts_with("0b")) {
    return go_parse_binary(p.substr(2), true) || go_parse_binary(p.substr(2), false);
  }
  if (p.starts_with("-0b")) return go_parse_binary("-" + std::string(p.substr(3)), true);
  return false;
}

}  // namespace

bool plain_is_ambiguous(std::string_view text) {
  return resolves_to_non_string(text) || is_base60_float(text);
}

Json resolve_plain_v2(std::string_view text) {
  static constexpr std::array<std::string_view, 11> kTrue = {
      "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"};
  static constexpr std::array<std::string_view, 11> kFalse = {
      "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"};
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") {
    return nullptr;
  }
  if (std::find(kTrue.begin(), kTrue.end(), text) != kTrue.end()) return true;
  if (std::find(kFalse.begin(), kFalse.end(), text) != kFalse.end()) return false;
  Json v3 = yaml_resolve::resolve_plain(text);
  if (v3.is_number_float() && !std::isfinite(v3.get<double>())) {
    throw invalid_argument("json: unsupported value: " + std::string(text));
  }
  // yaml.v3 already agrees on numbers; it differs on timestamps, which v2.4 keeps as text.
  if (v3.is_number() || v3.is_null() || v3.is_boolean()) return v3;
  return std::string(text);
}

}  // namespace sluice::goyaml
