#pragma once

// Process-wide logging on spdlog. The CLI logs human-readable text; `sluice run` (the
// operator) logs one JSON object per line so log pipelines can parse it. Both go to stderr:
// stdout belongs to command output (rendered YAML, tables).

#include <ostream>
#include <string_view>

#include <spdlog/common.h>

namespace sluice::cli {

enum class LogFormat { kText, kJson };

struct LogOptions {
  spdlog::level::level_enum level = spdlog::level::info;
  LogFormat format = LogFormat::kText;
};

// Parses "trace|debug|info|warn|error|off"; throws Error(kInvalidArgument) otherwise.
spdlog::level::level_enum parse_log_level(std::string_view text);
// Parses "text|json"; throws Error(kInvalidArgument) otherwise.
LogFormat parse_log_format(std::string_view text);

// Installs the default logger writing to `sink` (stderr when null). Replaces any earlier one.
void configure_logging(const LogOptions& options, std::ostream* sink = nullptr);

}  // namespace sluice::cli
