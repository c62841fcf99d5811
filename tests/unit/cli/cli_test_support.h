#pragma once
// Runs the CLI in-process, as `sluice ARGS...`, and keeps what it printed.
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "cli/app.h"

namespace sluice::cli {

struct CliResult {
  int code;
  std::string out;
  std::string err;
  std::string log;
};

inline CliResult run_sluice(const std::vector<std::string>& args) {
  std::ostringstream out, err, log;
  const int code = run_cli(args, out, err, &log);
  return {code, out.str(), err.str(), log.str()};
}

// `sluice COMMAND ARGS...`.
inline CliResult run_sluice_command(std::string_view command,
                                    const std::vector<std::string>& args) {
  std::vector<std::string> line{std::string(command)};
  line.insert(line.end(), args.begin(), args.end());
  return run_sluice(line);
}

}  // namespace sluice::cli
