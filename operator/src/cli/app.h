#pragma once

// The `sluice` command line: global flags, subcommand dispatch and usage. main() only calls
// run_cli(); everything else is testable with string streams.

#include <ostream>
#include <span>
#include <string>

#include "cli/logging.h"
#include "cli/report.h"
#include "core/error.h"

namespace sluice::cli {

// What a subcommand gets: its own arguments (global flags already removed) and the streams.
struct CommandContext {
  std::span<const std::string> args;
  std::ostream& out;
  std::ostream& err;
  LogOptions log;
};

// report_argument_error (cli/report.h) on the context's error stream.
inline int report_argument_error(const CommandContext& context, const Error& error) {
  return report_argument_error(context.err, error);
}

// Runs the command line `args` (without the program name) and returns the exit code.
// Global flags, accepted anywhere: --help/-h, --version, --log-level LEVEL, --log-format FORMAT.
// Logging goes to `log_sink` when given (tests), else stderr.
int run_cli(std::span<const std::string> args, std::ostream& out, std::ostream& err,
            std::ostream* log_sink = nullptr);

}  // namespace sluice::cli
