#include "core/duration.h"

#include <cstdint>
#include <limits>

#include "core/error.h"

namespace sluice {
namespace {

struct Unit {
  std::string_view name;
  std::uint64_t nanoseconds;
};

// parse_duration picks the longest matching name, so "ms" is never read as "m" + junk.
constexpr Unit kUnits[] = {
    {"ns", 1},
    {"us", 1'000},
    {"\xC2\xB5s", 1'000},  // µs (U+00B5)
    {"\xCE\xBCs", 1'000},  // μs (U+03BC)
    {"ms", 1'000'000},
    {"s", 1'000'000'000},
    {"m", 60'000'000'000},
    {"h", 3'600'000'000'000},
};

Error bad_duration(std::string_view text) {
  return invalid_argument("invalid duration \"" + std::string(text) +
                          "\" (expected e.g. 30s, 5m, 1h30m, 500ms)");
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

}  // namespace

Duration parse_duration(std::string_view text) {
  const std::string_view original = text;
  bool negative = false;
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  if (text == "0") return Duration::zero();
  if (text.empty()) throw bad_duration(original);

  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  std::uint64_t total = 0;
  while (!text.empty()) {
    // Integer and fraction parts kept apart so "1.5h" is exact in nanoseconds.
    std::uint64_t whole = 0;
    std::uint64_t fraction = 0;
    std::uint64_t fraction_scale = 1;
    std::size_t digits = 0;
    while (!text.empty() && is_digit(text.front())) {
      if (whole > (kMax - 9) / 10) throw bad_duration(original);
      whole = whole * 10 + static_cast<std::uint64_t>(text.front() - '0');
      text.remove_prefix(1);
      ++digits;
    }
    if (!text.empty() && text.front() == '.') {
      text.remove_prefix(1);
      while (!text.empty() && is_digit(text.front())) {
        if (fraction_scale < 1'000'000'000'000'000'000ULL) {
          fraction = fraction * 10 + static_cast<std::uint64_t>(text.front() - '0');
          fraction_scale *= 10;
        }
        text.remove_prefix(1);
        ++digits;
      }
    }
    if (digits == 0) throw bad_duration(original);
    const Unit* unit = nullptr;
    for (const Unit& candidate : kUnits) {
      if (text.starts_with(candidate.name) &&
          (unit == nullptr || candidate.name.size() > unit->name.size())) {
        unit = &candidate;
      }
    }
    if (unit == nullptr) throw bad_duration(original);
    text.remove_prefix(unit->name.size());
    if (whole > kMax / unit->nanoseconds) throw bad_duration(original);
    const std::uint64_t value =
        whole * unit->nanoseconds +
        static_cast<std::uint64_t>(static_cast<long double>(fraction) * unit->nanoseconds /
                                   static_cast<long double>(fraction_scale));
    if (value > kMax - total) throw bad_duration(original);
    total += value;
  }
  const auto signed_total = static_cast<std::int64_t>(total);
  return Duration(negative ? -signed_total : signed_total);
}

std::string format_duration(Duration duration) {
  std::int64_t ns = duration.count();
  if (ns == 0) return "0s";
  std::string sign = ns < 0 ? "-" : "";
  // Work on the magnitude; int64 min has no positive counterpart, so go through uint64.
  const std::uint64_t magnitude =
      ns < 0 ? static_cast<std::uint64_t>(-(ns + 1)) + 1 : static_cast<std::uint64_t>(ns);

  auto with_fraction = [](std::uint64_t value, std::uint64_t scale) {
    std::string text = std::to_string(value / scale);
    std::uint64_t rest = value % scale;
    if (rest == 0) return text;
    std::string digits = std::to_string(rest + scale).substr(1);  // zero-padded
    while (!digits.empty() && digits.back() == '0') digits.pop_back();
    return text + "." + digits;
  };

  if (magnitude < 1'000'000'000) {
    // Below one second Go picks the largest unit that keeps an integer part.
    if (magnitude < 1'000) return sign + std::to_string(magnitude) + "ns";
    if (magnitude < 1'000'000) return sign + with_fraction(magnitude, 1'000) + "\xC2\xB5s";
    return sign + with_fraction(magnitude, 1'000'000) + "ms";
  }
  const std::uint64_t hours = magnitude / 3'600'000'000'000ULL;
  const std::uint64_t minutes = magnitude / 60'000'000'000ULL % 60;
  const std::uint64_t seconds_ns = magnitude % 60'000'000'000ULL;
  std::string text = sign;
  if (hours > 0) text += std::to_string(hours) + "h";
  if (hours > 0 || minutes > 0) text += std::to_string(minutes) + "m";
  text += with_fraction(seconds_ns, 1'000'000'000) + "s";
  return text;
}

}  // namespace sluice
