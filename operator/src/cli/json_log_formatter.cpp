#include "cli/json_log_formatter.h"

#include <chrono>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <spdlog/details/log_msg.h>

#include "core/json.h"

namespace sluice::cli {
namespace {

void append(spdlog::memory_buf_t& dest, std::string_view text) {
  dest.append(text.data(), text.data() + text.size());
}

}  // namespace

void JsonLogFormatter::format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) {
  const auto since_epoch = msg.time.time_since_epoch();
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch - seconds).count();
  const std::time_t time = std::chrono::system_clock::to_time_t(msg.time);
  std::tm utc{};
  gmtime_r(&time, &utc);

  append(dest, R"({"ts":")");
  fmt::format_to(std::back_inserter(dest), "{:%Y-%m-%dT%H:%M:%S}.{:03}Z", utc, millis);
  append(dest, R"(","level":")");
  const auto level = spdlog::level::to_string_view(msg.level);
  append(dest, std::string_view(level.data(), level.size()));
  append(dest, R"(","logger":)");
  append(dest, Json(std::string(msg.logger_name.data(), msg.logger_name.size())).dump());
  append(dest, R"(,"msg":)");
  // Replace invalid UTF-8 rather than throw: a log line must never take the process down.
  append(dest, Json(std::string(msg.payload.data(), msg.payload.size()))
                   .dump(-1, ' ', false, Json::error_handler_t::replace));
  append(dest, "}\n");
}

std::unique_ptr<spdlog::formatter> JsonLogFormatter::clone() const {
  return std::make_unique<JsonLogFormatter>();
}

}  // namespace sluice::cli
