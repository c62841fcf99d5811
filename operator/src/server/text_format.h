#pragma once

// The pieces of Prometheus' text exposition format 0.0.4 that metrics.cpp writes with: name
// rules, escaping and number formatting. Kept apart so each rule is tested on its own.
// https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format

#include <string>
#include <string_view>
#include <vector>

namespace sluice::server::text_format {

// [a-zA-Z_:][a-zA-Z0-9_:]*
bool is_valid_metric_name(std::string_view name) noexcept;

// [a-zA-Z_][a-zA-Z0-9_]* and not starting with "__" (reserved for Prometheus' own labels).
bool is_valid_label_name(std::string_view name) noexcept;

// Label values and help texts must be UTF-8; Prometheus refuses a scrape that is not.
bool is_valid_utf8(std::string_view text) noexcept;

// A sample value as Prometheus' parser (Go's strconv.ParseFloat) reads it back exactly:
// "NaN", "+Inf", "-Inf"; integers below 1e15 in plain digits ("1000000", not "1e+06"; -0 is
// "0"); anything else as the shortest text that round-trips ("0.005", "1.5e-07", "1e+20").
std::string format_value(double value);

// Appends `value` escaped for a quoted label value: backslash, double quote and line feed.
void append_label_value(std::string& out, std::string_view value);

// Appends `help` escaped for a HELP line: backslash and line feed (quotes stay as they are).
void append_help(std::string& out, std::string_view help);

// Appends one sample line: `name{a="x",b="y",extra="v"} value\n`, the braces left out when
// there are no labels. `extra_name` (e.g. "le") is written last when not empty. `names` and
// `values` have the same length.
void append_sample(std::string& out, std::string_view name, const std::vector<std::string>& names,
                   const std::vector<std::string>& values, std::string_view extra_name,
                   std::string_view extra_value, double value);

}  // namespace sluice::server::text_format
