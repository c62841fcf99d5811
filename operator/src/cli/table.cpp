#include "cli/table.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <ctime>

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

bool read_digits(std::string_view text, std::size_t& pos, std::size_t count, int& value) {
  if (pos + count > text.size()) return false;
  value = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  pos += count;
  return true;
}

bool expect(std::string_view text, std::size_t& pos, char c) {
  if (pos >= text.size() || text[pos] != c) return false;
  ++pos;
  return true;
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

std::optional<std::chrono::system_clock::time_point> parse_timestamp(std::string_view text) {
  std::size_t pos = 0;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!read_digits(text, pos, 4, year) || !expect(text, pos, '-') ||
      !read_digits(text, pos, 2, month) || !expect(text, pos, '-') ||
      !read_digits(text, pos, 2, day) || !(expect(text, pos, 'T') || expect(text, pos, 't')) ||
      !read_digits(text, pos, 2, hour) || !expect(text, pos, ':') ||
      !read_digits(text, pos, 2, minute) || !expect(text, pos, ':') ||
      !read_digits(text, pos, 2, second)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  std::int64_t nanos = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (digits < 9) nanos = nanos * 10 + (text[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return std::nullopt;
    for (int i = digits; i < 9; ++i) nanos *= 10;
  }
  int offset_minutes = 0;
  if (expect(text, pos, 'Z') || expect(text, pos, 'z')) {
    // UTC
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    const int sign = text[pos++] == '-' ? -1 : 1;
    int offset_hours = 0, offset_rest = 0;
    if (!read_digits(text, pos, 2, offset_hours) || !expect(text, pos, ':') ||
        !read_digits(text, pos, 2, offset_rest) || offset_hours > 23 || offset_rest > 59) {
      return std::nullopt;
    }
    offset_minutes = sign * (offset_hours * 60 + offset_rest);
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;

  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  const std::time_t seconds = timegm(&tm);
  return std::chrono::system_clock::from_time_t(seconds) - std::chrono::minutes(offset_minutes) +
         std::chrono::duration_cast<std::chrono::system_clock::duration>(
             std::chrono::nanoseconds(nanos));
}

std::string age_since(std::string_view timestamp, std::chrono::system_clock::time_point now) {
  const auto created = parse_timestamp(timestamp);
  if (!created) return "<unknown>";
  return human_duration(std::chrono::duration_cast<std::chrono::nanoseconds>(now - *created));
}

std::string format_rfc3339_nano(std::chrono::system_clock::time_point time) {
  const auto since_epoch =
      std::chrono::duration_cast<std::chrono::nanoseconds>(time.time_since_epoch());
  auto seconds = std::chrono::floor<std::chrono::seconds>(since_epoch);
  const auto nanos = (since_epoch - seconds).count();
  const std::time_t t = seconds.count();
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[64];
  const std::size_t length = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
  char fraction[16];
  std::snprintf(fraction, sizeof fraction, ".%09lldZ", static_cast<long long>(nanos));
  return std::string(text, length) + fraction;
}

std::string one_line(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return text;
}

}  // namespace sluice::cli
