// yaml.v3 timestamp recognition and Go's RFC 3339 formatting of the result. Written by hand:
// the rules are Go's time.Parse layouts, which no C++ date library reproduces exactly.
#include <cstdint>
#include <string>

#include "core/yaml_resolve.h"

namespace sluice::yaml_resolve {
namespace {

struct Cursor {
  std::string_view rest;

  bool digit_at(std::size_t i) const { return i < rest.size() && rest[i] >= '0' && rest[i] <= '9'; }

  // Go's getnum(s, false): one digit, or two when a second follows.
  std::optional<int> number() {
    if (!digit_at(0)) return std::nullopt;
    int value = rest[0] - '0';
    std::size_t used = 1;
    if (digit_at(1)) {
      value = value * 10 + (rest[1] - '0');
      used = 2;
    }
    rest.remove_prefix(used);
    return value;
  }

  bool take(char c) {
    if (rest.empty() || rest.front() != c) return false;
    rest.remove_prefix(1);
    return true;
  }
};

bool is_leap(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int days_in(int month, int year) {
  constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : kDays[month - 1];
}

// Appends `value` (not negative) in decimal, zero-padded to `width` digits.
void append_padded(std::string& out, std::uint32_t value, std::size_t width) {
  const std::string digits = std::to_string(value);
  if (digits.size() < width) out.append(width - digits.size(), '0');
  out += digits;
}

}  // namespace

std::optional<std::string> parse_yaml_timestamp(std::string_view text) {
  Cursor in{text};
  if (text.size() < 5) return std::nullopt;
  for (std::size_t i = 0; i < 4; ++i) {
    if (!in.digit_at(i)) return std::nullopt;
  }
  const int year =
      (text[0] - '0') * 1000 + (text[1] - '0') * 100 + (text[2] - '0') * 10 + (text[3] - '0');
  in.rest.remove_prefix(4);
  if (!in.take('-')) return std::nullopt;
  const auto month = in.number();
  if (!month || !in.take('-')) return std::nullopt;
  const auto day = in.number();
  if (!day || *month < 1 || *month > 12 || *day < 1 || *day > days_in(*month, year)) {
    return std::nullopt;
  }

  int hour = 0, minute = 0, second = 0, offset_minutes = 0;
  std::uint32_t nanos = 0;
  if (!in.rest.empty()) {
    const char separator = in.rest.front();
    if (separator != 'T' && separator != 't' && separator != ' ') return std::nullopt;
    in.rest.remove_prefix(1);
    // A space in a Go layout matches a run of spaces in the value.
    if (separator == ' ') {
      while (in.take(' ')) {
      }
    }
    const auto h = in.number();
    if (!h || !in.take(':')) return std::nullopt;
    const auto m = in.number();
    if (!m || !in.take(':')) return std::nullopt;
    const auto s = in.number();
    if (!s || *h > 23 || *m > 59 || *s > 59) return std::nullopt;
    hour = *h;
    minute = *m;
    second = *s;
    // Fraction: any number of digits after '.' or ','; Go keeps the first nine.
    if (in.rest.size() >= 2 && (in.rest[0] == '.' || in.rest[0] == ',') && in.digit_at(1)) {
      in.rest.remove_prefix(1);
      std::uint32_t scale = 100'000'000;
      while (in.digit_at(0)) {
        nanos += static_cast<std::uint32_t>(in.rest[0] - '0') * scale;
        scale /= 10;
        in.rest.remove_prefix(1);
      }
    }
    if (separator != ' ') {  // the T layouts require a zone; the spaced one forbids it
      if (in.take('Z')) {
        offset_minutes = 0;
      } else {
        if (in.rest.size() < 6 || (in.rest[0] != '+' && in.rest[0] != '-') || in.rest[3] != ':' ||
            !in.digit_at(1) || !in.digit_at(2) || !in.digit_at(4) || !in.digit_at(5)) {
          return std::nullopt;
        }
        const int zone_hours = (in.rest[1] - '0') * 10 + (in.rest[2] - '0');
        const int zone_minutes = (in.rest[4] - '0') * 10 + (in.rest[5] - '0');
        if (zone_hours > 24 || zone_minutes > 60) return std::nullopt;
        offset_minutes = (zone_hours * 60 + zone_minutes) * (in.rest[0] == '-' ? -1 : 1);
        in.rest.remove_prefix(6);
      }
    }
    if (!in.rest.empty()) return std::nullopt;
  }

  std::string out;
  int index = 0;
  for (const int part : {year, *month, *day, hour, minute, second}) {
    if (index > 0) out += "--T::"[index - 1];
    append_padded(out, static_cast<std::uint32_t>(part), index == 0 ? 4 : 2);
    ++index;
  }
  if (nanos != 0) {
    std::string fraction;
    append_padded(fraction, nanos, 9);
    while (fraction.back() == '0') fraction.pop_back();
    out += "." + fraction;
  }
  if (offset_minutes == 0) {
    out += "Z";
  } else {
    const int magnitude = offset_minutes < 0 ? -offset_minutes : offset_minutes;
    out += offset_minutes < 0 ? '-' : '+';
    append_padded(out, static_cast<std::uint32_t>(magnitude / 60), 2);
    out += ':';
    append_padded(out, static_cast<std::uint32_t>(magnitude % 60), 2);
  }
  return out;
}

}  // namespace sluice::yaml_resolve
