// The `sluice` executable users run. It renders (`sluice build`) itself and hands every other
// command line to sluice-full, the complete CLI and operator, which sits next to it.
//
// Why two executables: `sluice build` runs in CI jobs and pre-commit hooks on every push, like
// `kustomize build`, so it should start small and carry no shared libraries. The complete CLI
// links cpprestsdk, libgit2, Kerberos and some thirty other shared libraries; loading them
// alone costs about 12 MiB of resident memory before the first byte is read, more than
// rendering a 2,000-resource overlay needs. This front end links only the renderer, statically
// (SLUICE_STATIC_FRONT), so a build costs what rendering costs.
//
// It renders only a command line it fully understands: "build" followed by the directory and
// build's own flags (--root, --substitute). Anything else, global flags included, goes to
// sluice-full unchanged, which also renders, so every command line means what it always meant.
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <unistd.h>

#include "cli/build_command.h"

namespace {

// "build" and then only operands and build's own flags (a flag's separate value is an operand
// here, so "--root -x" goes to sluice-full, which reports it as it always did).
bool renders_here(const std::vector<std::string>& args) {
  if (args.empty() || args.front() != "build") return false;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.starts_with("-") && arg != "-" && !sluice::cli::is_build_flag(arg)) return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (renders_here(args)) {
    return sluice::cli::run_build(std::span<const std::string>(args).subspan(1), std::cout,
                                  std::cerr);
  }
  std::error_code error;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", error);
  const std::filesystem::path full = self.parent_path() / "sluice-full";
  if (!error) execv(full.c_str(), argv);
  std::cerr << "sluice: cannot run " << full.string() << ": "
            << (error ? error.message() : std::string(std::strerror(errno))) << "\n";
  return 127;
}
