#pragma once

// Small helpers shared by unit and integration tests (header only, no library to link).

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "core/error.h"

namespace sluice::testing {

// The whole file as bytes; empty when it cannot be read (the comparison that follows fails).
inline std::string read_text_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The sluice::Error that `body` throws. Throwing nothing is a test failure, reported here, and
// yields a kInternal placeholder so the caller's own expectation fails too.
inline Error error_of(const std::function<void()>& body) {
  try {
    body();
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "expected a sluice::Error";
  return internal_error("no error was thrown");
}

}  // namespace sluice::testing
