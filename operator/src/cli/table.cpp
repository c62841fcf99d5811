#include "cli/table.h"

#include <algorithm>
#include <cstdint>

#include "core/rfc3339.h"

namespace sluice::cli {
namespace {

// kubectl's tabwriter settings (k8s.io/cli-runtime/pkg/printers/tabwriter.go).
constexpr std::size_t kMinWidth = 6;
constexpr std::size_t kPadding = 3;

// Code points, as Go's tabwriter counts a cell (utf8.RuneCount): continuation bytes do not
// count.
std::size_t display_width(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U;
  }));
}

}  // namespace

std::string format_table(const std::vector<std::string>& header,
                         const std::vector<std::vector<std::string>>& rows) {
  const std::size_t columns = header.size();
  std::vector<std::size_t> widths(columns, 0);
  const auto measure = [&](const std::vector<std::string>& row) {
    for (std::size_t i = 0; i < columns && i < row.size(); ++i) {
      widths[i] = std::max(widths[i], display_width(row[i]));
    }
  };
  measure(header);
  for (const auto& row : rows) measure(row);

  std::string out;
  const auto write = [&](const std::vector<std::string>& row) {
    for (std::size_t i = 0; i < columns; ++i) {
      const std::string empty;
      const std::string& cell = i < row.size() ? row[i] : empty;
      out += cell;
      if (i + 1 < columns) {
        const std::size_t width = std::max(widths[i] + kPadding, kMinWidth);
        out.append(width - display_width(cell), ' ');
      }
    }
    out += '\n';
  };
  write(header);
  for (const auto& row : rows) write(row);
  return out;
}

std::string human_duration(std::chrono::nanoseconds age) {
  using std::to_string;
  const std::int64_t total_seconds = std::chrono::duration_cast<std::chrono::seconds>(age).count();
  if (total_seconds < -1) return "<invalid>";
  if (total_seconds < 0) return "0s";
  if (total_seconds < std::int64_t{60} * 2) return to_string(total_seconds) + "s";
  const std::int64_t minutes = total_seconds / 60;
  if (minutes < 10) {
    const std::int64_t seconds = total_seconds % 60;
    return to_string(minutes) + "m" + (seconds == 0 ? "" : to_string(seconds) + "s");
  }
  if (minutes < std::int64_t{60} * 3) return to_string(minutes) + "m";
  const std::int64_t hours = minutes / 60;
  if (hours < 8) {
    const std::int64_t rest = minutes % 60;
    return to_string(hours) + "h" + (rest == 0 ? "" : to_string(rest) + "m");
  }
  if (hours < 48) return to_string(hours) + "h";
  const std::int64_t days = hours / 24;
  if (hours < std::int64_t{24} * 8) {
    const std::int64_t rest = hours % 24;
    return to_string(days) + "d" + (rest == 0 ? "" : to_string(rest) + "h");
  }
  if (hours < std::int64_t{24} * 365 * 2) return to_string(days) + "d";
  const std::int64_t years = days / 365;
  if (hours < std::int64_t{24} * 365 * 8) {
    const std::int64_t rest = days % 365;
    return to_string(years) + "y" + (rest == 0 ? "" : to_string(rest) + "d");
  }
  return to_string(years) + "y";
}

std::string age_since(std::string_view timestamp, std::chrono::system_clock::time_point now) {
  const std::optional<UnixTime> parsed = parse_rfc3339(timestamp);
  const auto created = parsed ? to_time_point(*parsed) : std::nullopt;
  if (!created) return "<unknown>";
  return human_duration(std::chrono::duration_cast<std::chrono::nanoseconds>(now - *created));
}

std::string one_line(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return text;
}

}  // namespace sluice::cli
