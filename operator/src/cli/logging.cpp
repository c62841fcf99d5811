#include "cli/logging.h"

#include <string>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "cli/json_log_formatter.h"
#include "core/error.h"

namespace sluice::cli {

spdlog::level::level_enum parse_log_level(std::string_view text) {
  constexpr std::pair<std::string_view, spdlog::level::level_enum> kLevels[] = {
      {"trace", spdlog::level::trace}, {"debug", spdlog::level::debug},
      {"info", spdlog::level::info},   {"warn", spdlog::level::warn},
      {"error", spdlog::level::err},   {"off", spdlog::level::off},
  };
  for (const auto& [name, level] : kLevels) {
    if (name == text) return level;
  }
  throw invalid_argument("unknown log level \"" + std::string(text) +
                         "\" (trace, debug, info, warn, error, off)");
}

LogFormat parse_log_format(std::string_view text) {
  if (text == "text") return LogFormat::kText;
  if (text == "json") return LogFormat::kJson;
  throw invalid_argument("unknown log format \"" + std::string(text) + "\" (text, json)");
}

void configure_logging(const LogOptions& options, std::ostream* sink) {
  spdlog::sink_ptr target;
  if (sink != nullptr) {
    target = std::make_shared<spdlog::sinks::ostream_sink_mt>(*sink, /*force_flush=*/true);
  } else {
    target = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  }
  if (options.format == LogFormat::kJson) {
    target->set_formatter(std::make_unique<JsonLogFormatter>());
  } else {
    target->set_pattern("%^%l%$: %v");
  }
  auto logger = std::make_shared<spdlog::logger>("sluice", std::move(target));
  logger->set_level(options.level);
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(std::move(logger));
}

}  // namespace sluice::cli
