#pragma once
// Exit codes and the one-line error report every subcommand uses. Apart from cli/app.h so that
// `sluice build` (cli/build_command.h, which needs only the renderer) shares them without
// depending on the rest of the CLI.
#include <ostream>

#include "core/error.h"

namespace sluice::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // the command ran and failed (or is not built yet)
inline constexpr int kExitUsage = 2;    // the command line itself is wrong

// Writes "Error: <message>" to `err` as one line (line breaks in the message, e.g. from YAML
// snippets, become spaces): the one-line error every subcommand prints on failure.
void report_error(std::ostream& err, const Error& error);

// For a subcommand whose arguments did not parse: reports the error and returns the exit code,
// kExitFailure for an option that is not supported yet (kUnimplemented), else kExitUsage.
int report_argument_error(std::ostream& err, const Error& error);

}  // namespace sluice::cli
