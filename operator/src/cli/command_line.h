#pragma once
// Small pieces every subcommand's argument parsing shares.

#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <string_view>

namespace sluice::cli {

// Walks `args`: "--flag value" and "--flag=value" call on_flag(flag, value) (a flag without a
// value is an error), anything else calls on_positional(arg). A lone "-" is positional; other
// "-x" arguments are unknown flags. Errors are Error(kInvalidArgument).
void for_each_argument(
    std::span<const std::string> args,
    const std::function<void(const std::string& flag, const std::string& value)>& on_flag,
    const std::function<void(const std::string& arg)>& on_positional);

// A fresh directory path under the system temp directory, removed with everything in it when
// this goes out of scope (the directory itself is created by whoever uses it).
class TempDir {
 public:
  explicit TempDir(std::string_view prefix);
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();
  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace sluice::cli
