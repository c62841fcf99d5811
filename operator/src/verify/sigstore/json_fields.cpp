#include "verify/sigstore/json_fields.h"

#include <charconv>
#include <limits>

#include "core/base64.h"

namespace sluice::verify::sigstore {
namespace {

bool all_digits(std::string_view text) {
  return !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
}

int digits_value(std::string_view text) {
  int value = 0;
  for (const char c : text) value = value * 10 + (c - '0');
  return value;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) {
  year -= month <= 2 ? 1 : 0;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const auto year_of_era = static_cast<unsigned>(year - era * 400);
  const unsigned day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + static_cast<std::int64_t>(day_of_era) - 719468;
}

bool leap_year(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int days_in_month(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && leap_year(year) ? 29 : kDays[month - 1];
}

}  // namespace

Json parse_json_document(std::string_view text, std::string_view what, ErrorCode code) {
  bool too_deep = false;
  const Json::parser_callback_t limit_depth = [&too_deep](int depth, Json::parse_event_t, Json&) {
    if (depth > kMaxJsonDepth) too_deep = true;
    return !too_deep;
  };
  Json document;
  try {
    document = Json::parse(text.begin(), text.end(), limit_depth);
  } catch (const Json::exception& e) {
    throw Error(code, std::string(what) + " is not valid JSON: " + e.what());
  }
  if (too_deep) {
    throw Error(ErrorCode::kResourceExhausted,
                std::string(what) + " nests JSON deeper than " + std::to_string(kMaxJsonDepth));
  }
  if (!document.is_object()) throw Error(code, std::string(what) + " is not a JSON object");
  return document;
}

JsonFields::JsonFields(const Json& object, std::string where, ErrorCode code)
    : object_(object), where_(std::move(where)), code_(code) {
  if (!object_.is_object()) throw Error(code_, where_ + " is not a JSON object");
}

Error JsonFields::error(std::string_view key, std::string_view problem) const {
  return {code_, where_ + "." + std::string(key) + " " + std::string(problem)};
}

// protobuf-JSON writes null for a field at its default: the same as leaving it out.
const Json* JsonFields::find(std::string_view key) const {
  auto found = object_.find(key);
  if (found == object_.end() || found->is_null()) return nullptr;
  return &*found;
}

bool JsonFields::has(std::string_view key) const {
  return find(key) != nullptr;
}

JsonFields JsonFields::object(std::string_view key) const {
  const Json* found = find(key);
  if (found == nullptr) throw error(key, "is missing");
  return {*found, where_ + "." + std::string(key), code_};
}

std::optional<JsonFields> JsonFields::optional_object(std::string_view key) const {
  if (!has(key)) return std::nullopt;
  return object(key);
}

const Json& JsonFields::array(std::string_view key) const {
  const Json* found = find(key);
  if (found == nullptr) throw error(key, "is missing");
  if (!found->is_array()) throw error(key, "is not an array");
  return *found;
}

std::string JsonFields::string(std::string_view key) const {
  auto value = optional_string(key);
  if (!value) throw error(key, "is missing");
  return *value;
}

std::optional<std::string> JsonFields::optional_string(std::string_view key) const {
  const Json* found = find(key);
  if (found == nullptr) return std::nullopt;
  if (!found->is_string()) throw error(key, "is not a string");
  return found->get<std::string>();
}

std::optional<std::string> decode_protobuf_bytes(std::string_view text) {
  std::string normalized;
  normalized.reserve(text.size() + 2);
  const bool url_safe = text.find_first_of("-_") != std::string_view::npos;
  for (const char c : text) {
    if (c == '\r' || c == '\n') continue;
    if (url_safe && (c == '+' || c == '/')) return std::nullopt;  // one alphabet, not a mix
    normalized.push_back(url_safe && c == '-' ? '+' : url_safe && c == '_' ? '/' : c);
  }
  if (normalized.find('=') == std::string::npos) {
    while (normalized.size() % 4 != 0) normalized.push_back('=');
  }
  return decode_base64(normalized);
}

std::string JsonFields::base64(std::string_view key, bool allow_empty) const {
  const std::string text = string(key);
  auto decoded = decode_protobuf_bytes(text);
  if (!decoded) throw error(key, "is not valid base64");
  if (decoded->empty() && !allow_empty) throw error(key, "is empty");
  return *decoded;
}

std::int64_t JsonFields::int64(std::string_view key) const {
  auto value = optional_int64(key);
  if (!value) throw error(key, "is missing");
  return *value;
}

std::optional<std::int64_t> JsonFields::optional_int64(std::string_view key) const {
  const Json* found = find(key);
  if (found == nullptr) return std::nullopt;
  if (found->is_number_integer()) {
    if (found->is_number_unsigned() &&
        found->get<std::uint64_t>() >
            static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      throw error(key, "does not fit a 64-bit integer");
    }
    return found->get<std::int64_t>();
  }
  if (!found->is_string()) throw error(key, "is not an integer");
  const std::string& text = found->get_ref<const std::string&>();
  std::int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || text.empty() || text[0] == '+') {
    throw error(key, "is not a decimal 64-bit integer: \"" + text + "\"");
  }
  return value;
}

std::int64_t JsonFields::timestamp(std::string_view key, bool round_up) const {
  const std::string text = string(key);
  auto seconds = parse_rfc3339(text, round_up);
  if (!seconds) throw error(key, "is not an RFC 3339 timestamp: \"" + text + "\"");
  return *seconds;
}

std::optional<std::int64_t> parse_rfc3339(std::string_view text, bool round_up) {
  // YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)
  if (text.size() < 20 || text[4] != '-' || text[7] != '-' ||
      (text[10] != 'T' && text[10] != 't') || text[13] != ':' || text[16] != ':') {
    return std::nullopt;
  }
  const std::string_view year_text = text.substr(0, 4), month_text = text.substr(5, 2),
                         day_text = text.substr(8, 2), hour_text = text.substr(11, 2),
                         minute_text = text.substr(14, 2), second_text = text.substr(17, 2);
  for (std::string_view part :
       {year_text, month_text, day_text, hour_text, minute_text, second_text}) {
    if (!all_digits(part)) return std::nullopt;
  }
  const int year = digits_value(year_text), month = digits_value(month_text),
            day = digits_value(day_text), hour = digits_value(hour_text),
            minute = digits_value(minute_text), second = digits_value(second_text);
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 ||
      minute > 59 || second > 60) {
    return std::nullopt;
  }
  std::size_t at = 19;
  bool has_fraction = false;
  if (at < text.size() && text[at] == '.') {
    const std::size_t digits_end = text.find_first_not_of("0123456789", at + 1);
    if (digits_end == at + 1 || digits_end == std::string_view::npos) return std::nullopt;
    has_fraction =
        text.substr(at + 1, digits_end - at - 1).find_first_not_of('0') != std::string_view::npos;
    at = digits_end;
  }
  std::int64_t offset = 0;
  const std::string_view zone = text.substr(at);
  if (zone == "Z" || zone == "z") {
    offset = 0;
  } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':' &&
             all_digits(zone.substr(1, 2)) && all_digits(zone.substr(4, 2))) {
    const int zone_hours = digits_value(zone.substr(1, 2));
    const int zone_minutes = digits_value(zone.substr(4, 2));
    if (zone_hours > 23 || zone_minutes > 59) return std::nullopt;
    offset = (std::int64_t{zone_hours} * 3600 + std::int64_t{zone_minutes} * 60) *
             (zone[0] == '+' ? 1 : -1);
  } else {
    return std::nullopt;
  }
  const std::int64_t seconds =
      days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
      std::int64_t{hour} * 3600 + std::int64_t{minute} * 60 + second - offset;
  return seconds + (has_fraction && round_up ? 1 : 0);
}

}  // namespace sluice::verify::sigstore
