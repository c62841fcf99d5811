#include "cli/logging.h"

#include <sstream>

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include "core/error.h"
#include "core/json.h"

namespace sluice::cli {
namespace {

TEST(LoggingTest, ParsesLevelsAndFormats) {
  EXPECT_EQ(parse_log_level("debug"), spdlog::level::debug);
  EXPECT_EQ(parse_log_level("error"), spdlog::level::err);
  EXPECT_THROW(parse_log_level("verbose"), Error);
  EXPECT_EQ(parse_log_format("json"), LogFormat::kJson);
  EXPECT_THROW(parse_log_format("yaml"), Error);
}

TEST(LoggingTest, JsonLinesEscapeTheMessage) {
  std::ostringstream sink;
  configure_logging({spdlog::level::info, LogFormat::kJson}, &sink);
  spdlog::info("quote \" backslash \\ newline \n tab \t bad utf8 \xff end");
  spdlog::debug("filtered out");
  const std::string text = sink.str();
  ASSERT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << text;
  const auto line = sluice::Json::parse(text);
  EXPECT_EQ(line["level"], "info");
  const std::string msg = line["msg"];
  EXPECT_TRUE(msg.starts_with("quote \" backslash \\ newline \n tab \t bad utf8 ")) << msg;
  EXPECT_TRUE(msg.ends_with(" end"));
}

TEST(LoggingTest, TextFormatIsLevelThenMessage) {
  std::ostringstream sink;
  configure_logging({spdlog::level::debug, LogFormat::kText}, &sink);
  spdlog::warn("disk {} full", "very");
  EXPECT_EQ(sink.str(), "warning: disk very full\n");
}

}  // namespace
}  // namespace sluice::cli
