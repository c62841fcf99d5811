#pragma once

#include <spdlog/formatter.h>

namespace sluice::cli {

// Formats a record as one JSON object per line:
//   {"ts":"2026-11-26T09:35:27.123Z","level":"info","logger":"sluice","msg":"..."}
// A pattern string cannot do this: the message must be JSON-escaped.
class JsonLogFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override;
  std::unique_ptr<spdlog::formatter> clone() const override;
};

}  // namespace sluice::cli
