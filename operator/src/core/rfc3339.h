#pragma once

// RFC 3339 timestamps, as Kubernetes writes them (creationTimestamp, lastTransitionTime,
// MicroTime) and Go's time.Parse(time.RFC3339, ...) reads them: the one reader and writer
// for the health rules (kstatus), the status the controllers write, events and leases, and the
// CLI's AGE column.

#include <chrono>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sluice {

// A point in time as seconds and nanoseconds since the Unix epoch (nanoseconds alone would
// not reach the years 0 to 9999 an RFC 3339 timestamp can name).
struct UnixTime {
  std::int64_t seconds = 0;
  std::int64_t nanos = 0;  // 0 to 999,999,999

  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy 14 misreads the rewritten `<=> 0`.
  auto operator<=>(const UnixTime&) const = default;
};

// Go's time.Parse(time.RFC3339, text), nullopt where Go fails: "2006-01-02T15:04:05", then
// an optional fraction (after "." or ","; digits past the ninth ignored), then "Z" or an
// offset such as "+07:00"; fields are range-checked, the hour may have one digit and offsets
// go up to 24:60, as Go's general parser allows.
std::optional<UnixTime> parse_rfc3339(std::string_view text);

UnixTime unix_time(std::chrono::system_clock::time_point time);
// nullopt for a time system_clock cannot hold (about 1678 to 2262 with nanosecond ticks).
std::optional<std::chrono::system_clock::time_point> to_time_point(UnixTime time);

// "2026-01-02T03:04:05Z" in UTC, with `fraction_digits` (0 to 9) digits of the second after a
// dot: 0 for metav1.Time, 6 for MicroTime, 9 for Go's RFC3339Nano without trimming.
std::string format_rfc3339(std::chrono::system_clock::time_point time, int fraction_digits = 0);

}  // namespace sluice
