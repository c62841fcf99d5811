#include "core/rfc3339.h"

#include <array>
#include <cstdio>
#include <ctime>
#include <limits>

namespace sluice {
namespace {

bool is_leap_year(std::int64_t year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

std::int64_t days_in_month(std::int64_t month, std::int64_t year) {
  static constexpr std::array<std::int64_t, 12> kDays{31, 28, 31, 30, 31, 30,
                                                      31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;
  if (month == 2 && is_leap_year(year)) return 29;
  return kDays.at(static_cast<std::size_t>(month - 1));
}

// Days from 1970-01-01 to the given civil date (proleptic Gregorian; Howard Hinnant's
// days_from_civil, valid for every year RFC 3339 can spell).
std::int64_t days_from_civil(std::int64_t year, std::int64_t month, std::int64_t day) {
  year -= month <= 2 ? 1 : 0;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const std::int64_t year_of_era = year - era * 400;
  const std::int64_t day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const std::int64_t day_of_era =
      year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

}  // namespace

std::optional<UnixTime> parse_rfc3339(std::string_view text) {
  // Go's time.Parse tries a fast RFC 3339 parser and then its general one, which accepts a
  // superset with the same results; this follows the general one, field by field.
  std::string_view rest = text;
  bool ok = true;
  // `width` digits, or one or two when `width` is 0, at most `max`.
  // Fields come back as int64, the type of the arithmetic below.
  const auto number = [&](std::size_t width, std::int64_t min, std::int64_t max) {
    std::size_t length = 0;
    const std::size_t most = width == 0 ? 2 : width;
    while (length < most && length < rest.size() && rest[length] >= '0' && rest[length] <= '9') {
      ++length;
    }
    if (length == 0 || (width != 0 && length != width)) {
      ok = false;
      return min;
    }
    std::int64_t value = 0;
    for (std::size_t i = 0; i < length; ++i) value = value * 10 + (rest[i] - '0');
    rest.remove_prefix(length);
    if (value < min || value > max) ok = false;
    return value;
  };
  const auto literal = [&](char expected) {
    if (rest.empty() || rest.front() != expected) {
      ok = false;
      return;
    }
    rest.remove_prefix(1);
  };

  const std::int64_t year = number(4, 0, 9999);
  literal('-');
  const std::int64_t month = number(2, 1, 12);
  literal('-');
  const std::int64_t day = number(2, 1, 31);  // checked against the month below
  literal('T');
  const std::int64_t hour = number(0, 0, 23);
  literal(':');
  const std::int64_t minute = number(2, 0, 59);
  literal(':');
  const std::int64_t second = number(2, 0, 59);
  if (!ok || day > days_in_month(month, year)) return std::nullopt;

  std::int64_t nanos = 0;
  if (rest.size() >= 2 && (rest[0] == '.' || rest[0] == ',') && rest[1] >= '0' && rest[1] <= '9') {
    std::size_t end = 1;
    while (end < rest.size() && rest[end] >= '0' && rest[end] <= '9') ++end;
    // Go reads at most nine digits and ignores the rest.
    for (std::size_t i = 1; i < 10; ++i) nanos = nanos * 10 + (i < end ? rest[i] - '0' : 0);
    rest.remove_prefix(end);
  }

  std::int64_t offset_seconds = 0;
  if (!rest.empty() && rest.front() == 'Z') {
    rest.remove_prefix(1);
  } else if (!rest.empty() && (rest.front() == '+' || rest.front() == '-')) {
    const bool west = rest.front() == '-';
    rest.remove_prefix(1);
    // Go allows offsets up to 24:60, "as some people do write" them.
    const std::int64_t offset_hours = number(2, 0, 24);
    literal(':');
    const std::int64_t offset_minutes = number(2, 0, 60);
    offset_seconds = (offset_hours * 60 + offset_minutes) * 60 * (west ? -1 : 1);
  } else {
    ok = false;
  }
  if (!ok || !rest.empty()) return std::nullopt;
  const std::int64_t seconds = days_from_civil(year, month, day) * 86400 + hour * 3600 +
                               minute * 60 + second - offset_seconds;
  return UnixTime{seconds, nanos};
}

UnixTime unix_time(std::chrono::system_clock::time_point time) {
  const auto since_epoch =
      std::chrono::duration_cast<std::chrono::nanoseconds>(time.time_since_epoch());
  const auto seconds = std::chrono::floor<std::chrono::seconds>(since_epoch);
  return {seconds.count(), (since_epoch - seconds).count()};
}

std::optional<std::chrono::system_clock::time_point> to_time_point(UnixTime time) {
  using Ticks = std::chrono::system_clock::duration;
  constexpr std::int64_t kPerSecond = Ticks::period::den / Ticks::period::num;
  constexpr std::int64_t kMaxSeconds = std::numeric_limits<Ticks::rep>::max() / kPerSecond - 1;
  if (time.seconds > kMaxSeconds || time.seconds < -kMaxSeconds) return std::nullopt;
  return std::chrono::system_clock::time_point(std::chrono::duration_cast<Ticks>(
      std::chrono::seconds(time.seconds) + std::chrono::nanoseconds(time.nanos)));
}

std::string format_rfc3339(std::chrono::system_clock::time_point time, int fraction_digits) {
  const UnixTime parts = unix_time(time);
  const std::time_t seconds = static_cast<std::time_t>(parts.seconds);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[64];
  std::size_t length = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  if (fraction_digits > 0) {
    char nanos[16];
    std::snprintf(nanos, sizeof nanos, "%09lld", static_cast<long long>(parts.nanos));
    text[length++] = '.';
    for (int i = 0; i < fraction_digits && i < 9; ++i) text[length++] = nanos[i];
  }
  text[length++] = 'Z';
  return std::string(text, length);
}

}  // namespace sluice
