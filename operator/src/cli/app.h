#pragma once

// The `sluice` command line: global flags, subcommand dispatch and usage. main() only calls
// run_cli(); everything else is testable with string streams.

#include <ostream>
#include <span>
#include <string>

#include "cli/logging.h"
#include "core/error.h"

namespace sluice::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // the command ran and failed (or is not built yet)
inline constexpr int kExitUsage = 2;    // the command line itself is wrong

// What a subcommand gets: its own arguments (global flags already removed) and the streams.
struct CommandContext {
  std::span<const std::string> args;
  std::ostream& out;
  std::ostream& err;
  LogOptions log;
};

// Writes "Error: <message>" to `err` as one line (line breaks in the message, e.g. from YAML
// snippets, become spaces): the one-line error every subcommand prints on failure.
void report_error(std::ostream& err, const Error& error);

// For a subcommand whose arguments did not parse: reports the error and returns the exit code,
// kExitFailure for an option that is not supported yet (kUnimplemented), else kExitUsage.
int report_argument_error(const CommandContext& context, const Error& error);

// Runs the command line `args` (without the program name) and returns the exit code.
// Global flags, accepted anywhere: --help/-h, --version, --log-level LEVEL, --log-format FORMAT.
// Logging goes to `log_sink` when given (tests), else stderr.
int run_cli(std::span<const std::string> args, std::ostream& out, std::ostream& err,
            std::ostream* log_sink = nullptr);

}  // namespace sluice::cli
