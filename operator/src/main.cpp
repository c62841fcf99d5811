// Subcommand dispatch only; see cli/app.h.
#include <iostream>
#include <string>
#include <vector>

#include "cli/app.h"

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  return sluice::cli::run_cli(args, std::cout, std::cerr);
}
