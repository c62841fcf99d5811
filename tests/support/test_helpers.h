#pragma once

// Small helpers shared by unit and integration tests (header only, no library to link).

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <string>

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/error.h"

namespace sluice::testing {

// A temp folder path for the running test: <tmp>/<prefix>-<gtest seed>-<test name>. Not made;
// tests that run in parallel processes or one after another never share it.
inline std::filesystem::path test_temp_path(const std::string& prefix) {
  const ::testing::UnitTest& unit = *::testing::UnitTest::GetInstance();
  return std::filesystem::temp_directory_path() /
         (prefix + "-" + std::to_string(unit.random_seed()) + "-" +
          unit.current_test_info()->name());
}

// The non-empty lines of `text` (names listed by `kubectl -o jsonpath=...{"\n"}...`), as a set.
inline std::set<std::string> nonempty_lines(const std::string& text) {
  std::set<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.insert(line);
  }
  return lines;
}

// Seconds since `start` on the steady clock, for the figures the timing tests print and bound.
inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

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

// A TCP port on 127.0.0.1 that nothing listens on when this returns (the kernel picked it as
// free and the socket is closed again): connections to it are refused until someone binds it.
inline int unused_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  socklen_t length = sizeof address;
  EXPECT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length), 0);
  ::close(fd);
  return ntohs(address.sin_port);
}

}  // namespace sluice::testing
