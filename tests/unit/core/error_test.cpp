#include "core/error.h"

#include <stdexcept>

#include <gtest/gtest.h>

namespace sluice {
namespace {

TEST(ErrorTest, CarriesCodeAndMessage) {
  const Error error = invalid_argument("bad field");
  EXPECT_EQ(error.code(), ErrorCode::kInvalidArgument);
  EXPECT_STREQ(error.what(), "bad field");
  EXPECT_EQ(to_string(error.code()), "invalid_argument");
}

TEST(ErrorTest, WithContextPrefixesTheMessageAndKeepsTheCode) {
  const Error error = resource_exhausted("too deep").with_context("apps/web/deploy.yaml");
  EXPECT_EQ(error.message(), "apps/web/deploy.yaml: too deep");
  EXPECT_EQ(error.code(), ErrorCode::kResourceExhausted);
}

TEST(ErrorTest, FromCurrentExceptionTranslatesAnything) {
  auto capture = [](auto thrower) {
    try {
      thrower();
    } catch (...) {
      return Error::from_current_exception();
    }
    return internal_error("nothing thrown");
  };
  EXPECT_EQ(capture([] { throw not_found("x"); }).code(), ErrorCode::kNotFound);
  const Error std_error = capture([] { throw std::runtime_error("boom"); });
  EXPECT_EQ(std_error.code(), ErrorCode::kInternal);
  EXPECT_EQ(std_error.message(), "boom");
  EXPECT_EQ(capture([] { throw 42; }).message(), "unknown exception");
}

TEST(ErrorTest, EveryCodeHasAName) {
  for (int code = 0; code <= static_cast<int>(ErrorCode::kInternal); ++code) {
    EXPECT_NE(to_string(static_cast<ErrorCode>(code)), "unknown");
  }
}

}  // namespace
}  // namespace sluice
