#pragma once
// What `sluice get` prints, spelled as kubectl prints it: aligned columns and ages.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::cli {

// Lays out a table as kubectl's printer does (a tabwriter with minimum width 6, padding 3,
// padded with spaces): every column but the last is as wide as its widest cell plus 3 (at
// least 6); the last column is written as it is. Widths count UTF-8 code points. One line per
// row, each ending in '\n'. A row with fewer cells than the header is padded with empty ones.
std::string format_table(const std::vector<std::string>& header,
                         const std::vector<std::vector<std::string>>& rows);

// How kubectl prints an age (k8s.io/apimachinery's duration.HumanDuration): "45s", "5m3s",
// "12m", "3h20m", "10h", "2d5h", "60d", "3y12d"; "0s" for up to 2 s in the future (clock
// skew), "<invalid>" beyond.
std::string human_duration(std::chrono::nanoseconds age);

// kubectl's AGE cell for metadata.creationTimestamp `timestamp` at `now`: human_duration of
// the difference, "<unknown>" when the timestamp is absent or unreadable.
std::string age_since(std::string_view timestamp, std::chrono::system_clock::time_point now);

// `text` on one line: line breaks become spaces (for a table cell or a one-line report).
std::string one_line(std::string text);

}  // namespace sluice::cli
