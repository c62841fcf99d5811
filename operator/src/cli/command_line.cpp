#include "cli/command_line.h"

#include <random>
#include <system_error>

#include "core/error.h"

namespace sluice::cli {

void for_each_argument(
    std::span<const std::string> args,
    const std::function<void(const std::string& flag, const std::string& value)>& on_flag,
    const std::function<void(const std::string& arg)>& on_positional) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i];
    if (arg.starts_with("--")) {
      std::string value;
      if (const std::size_t eq = arg.find('='); eq != std::string::npos) {
        value = arg.substr(eq + 1);
        arg.resize(eq);
      } else {
        if (i + 1 >= args.size()) throw invalid_argument(arg + " needs a value");
        value = args[++i];
      }
      on_flag(arg, value);
    } else if (arg.starts_with("-") && arg != "-") {
      throw invalid_argument("unknown flag " + arg);
    } else {
      on_positional(arg);
    }
  }
}

TempDir::TempDir(std::string_view prefix) {
  std::random_device random;
  path_ = std::filesystem::temp_directory_path() /
          (std::string(prefix) + std::to_string(random()) + std::to_string(random()));
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace sluice::cli
