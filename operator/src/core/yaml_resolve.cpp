#include "core/yaml_resolve.h"

#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <string>

#include "core/json.h"

namespace sluice::yaml_resolve {
namespace {

bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

int digit_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'z') return c - 'a' + 10;
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return 99;
}

// Parses an unsigned magnitude the way Go's base-0 integer syntax spells it. Returns nullopt on
// bad syntax or when the value does not fit in 64 bits.
std::optional<std::uint64_t> parse_magnitude(std::string_view text) {
  int base = 10;
  if (text.size() >= 2 && text[0] == '0') {
    const char p = text[1];
    if (p == 'x' || p == 'X') {
      base = 16;
      text.remove_prefix(2);
    } else if (p == 'b' || p == 'B') {
      base = 2;
      text.remove_prefix(2);
    } else if (p == 'o' || p == 'O') {
      base = 8;
      text.remove_prefix(2);
    } else {
      base = 8;  // legacy octal: the leading 0 is itself a valid octal digit
    }
  }
  if (text.empty()) return std::nullopt;
  std::uint64_t value = 0;
  constexpr auto kMax = std::numeric_limits<std::uint64_t>::max();
  for (const char c : text) {
    const int d = digit_value(c);
    if (d >= base) return std::nullopt;
    const auto digit = static_cast<std::uint64_t>(d);
    if (value > (kMax - digit) / static_cast<std::uint64_t>(base)) return std::nullopt;
    value = value * static_cast<std::uint64_t>(base) + digit;
  }
  return value;
}

std::optional<double> parse_finite_double(std::string_view text) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

struct Keyword {
  std::string_view text;
  Json value;
};

const std::array<Keyword, 20>& keywords() {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  static const std::array<Keyword, 20> table{{
      {"true", true},    {"True", true}, {"TRUE", true},   {"false", false},  {"False", false},
      {"FALSE", false},  {"", nullptr},  {"~", nullptr},   {"null", nullptr}, {"Null", nullptr},
      {"NULL", nullptr}, {".nan", nan},  {".NaN", nan},    {".NAN", nan},     {".inf", kInf},
      {".Inf", kInf},    {".INF", kInf}, {"-.inf", -kInf}, {"-.Inf", -kInf},  {"-.INF", -kInf},
  }};
  return table;
}

}  // namespace

std::optional<std::int64_t> parse_go_int(std::string_view text) {
  bool negative = false;
  if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  const auto magnitude = parse_magnitude(text);
  if (!magnitude) return std::nullopt;
  constexpr auto kMaxPositive =
      static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (negative) {
    if (*magnitude > kMaxPositive + 1) return std::nullopt;
    if (*magnitude == kMaxPositive + 1) return std::numeric_limits<std::int64_t>::min();
    return -static_cast<std::int64_t>(*magnitude);
  }
  if (*magnitude > kMaxPositive) return std::nullopt;
  return static_cast<std::int64_t>(*magnitude);
}

std::optional<std::uint64_t> parse_go_uint(std::string_view text) {
  return parse_magnitude(text);
}

bool looks_like_yaml_float(std::string_view s) noexcept {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  if (i < s.size() && s[i] == '.') {
    ++i;
    const std::size_t start = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    if (i == start) return false;
  } else {
    const std::size_t start = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    if (i == start) return false;
    if (i < s.size() && s[i] == '.') {
      ++i;
      while (i < s.size() && is_digit(s[i])) ++i;
    }
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    const std::size_t start = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    if (i == start) return false;
  }
  return i == s.size();
}

Json resolve_plain(std::string_view text) {
  // yaml.v3 only considers non-string types when the first character hints at one.
  const char first = text.empty() ? 'N' : text.front();
  constexpr std::string_view kHints = "+-0123456789yYnNtTfFoO~.";
  if (kHints.find(first) == std::string_view::npos) return std::string(text);

  for (const auto& keyword : keywords()) {
    if (keyword.text == text) return keyword.value;
  }
  if (text == "+.inf" || text == "+.Inf" || text == "+.INF") {
    return std::numeric_limits<double>::infinity();
  }

  if (first == '.') {
    if (looks_like_yaml_float(text)) {
      if (auto value = parse_finite_double(text)) return *value;
    }
    return std::string(text);
  }
  if (first != '+' && first != '-' && !is_digit(first)) return std::string(text);

  if (auto timestamp = parse_yaml_timestamp(text)) return *timestamp;

  std::string plain;
  plain.reserve(text.size());
  for (const char c : text) {
    if (c != '_') plain.push_back(c);
  }
  if (auto value = parse_go_int(plain)) return *value;
  if (auto value = parse_go_uint(plain)) return *value;
  if (looks_like_yaml_float(plain)) {
    if (auto value = parse_finite_double(plain)) return *value;
  }
  return std::string(text);
}

}  // namespace sluice::yaml_resolve
