#pragma once

// Durations as Kubernetes spells them (metav1.Duration, i.e. Go's time.Duration text):
// "90s", "1m30s", "1.5h", "300ms", "2h45m0.5s". Used by every `interval`/`timeout` field.

#include <chrono>
#include <string>
#include <string_view>

namespace sluice {

using Duration = std::chrono::nanoseconds;

// Parses Go duration syntax: an optional sign, then one or more decimal numbers each with a
// unit (ns, us, µs, ms, s, m, h). "0" alone is zero. Throws Error(kInvalidArgument) on
// anything else or on overflow.
Duration parse_duration(std::string_view text);

// Formats like Go's Duration.String(): "1m30s", "1.5s", "300ms", "0s".
std::string format_duration(Duration duration);

}  // namespace sluice
