#include "cli/build_command.h"

#include <filesystem>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "cli/report.h"
#include "core/error.h"
#include "core/yaml_writer.h"
#include "render/builder.h"
#include "render/file_system.h"
#include "render/post_build.h"

namespace sluice::cli {
namespace {

struct BuildArgs {
  std::string dir;
  std::optional<std::string> root;
  StringMap substitute;  // --substitute KEY=VALUE, Flux's postBuild.substitute
};

void add_substitution(BuildArgs& parsed, const std::string& pair) {
  const std::size_t equals = pair.find('=');
  if (equals == std::string::npos) {
    throw invalid_argument("--substitute takes KEY=VALUE, got \"" + pair + "\"");
  }
  parsed.substitute.insert_or_assign(pair.substr(0, equals), pair.substr(equals + 1));
}

BuildArgs parse_args(std::span<const std::string> args) {
  BuildArgs parsed;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--root" || arg.starts_with("--root=")) {
      if (arg == "--root") {
        if (i + 1 >= args.size()) throw invalid_argument("--root needs a directory");
        parsed.root = args[++i];
      } else {
        parsed.root = arg.substr(7);
      }
    } else if (arg == "--substitute") {
      if (i + 1 >= args.size()) throw invalid_argument("--substitute needs KEY=VALUE");
      add_substitution(parsed, args[++i]);
    } else if (arg.starts_with("--substitute=")) {
      add_substitution(parsed, arg.substr(13));
    } else if (arg.starts_with("-") && arg != "-") {
      throw invalid_argument("unknown flag " + arg);
    } else if (parsed.dir.empty()) {
      parsed.dir = arg;
    } else {
      throw invalid_argument("build takes one directory, got \"" + parsed.dir + "\" and \"" + arg +
                             "\"");
    }
  }
  if (parsed.dir.empty()) throw invalid_argument("build needs a directory: sluice build DIR");
  render::validate_variable_names(parsed.substitute);
  return parsed;
}

// DIR as the build reads it. The user chose DIR, so only what it names is confined: its real
// path keeps a symlink to it (or one above it) from reading as a way out of the root. As given
// when it does not resolve, so that the error says what it always said.
std::filesystem::path real_dir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::path real = std::filesystem::canonical(dir, ec);
  return ec ? std::filesystem::path(dir) : real;
}

}  // namespace

int run_build(std::span<const std::string> arguments, std::ostream& out, std::ostream& err) {
  BuildArgs args;
  try {
    args = parse_args(arguments);
  } catch (const Error& e) {
    return report_argument_error(err, e);
  }
  std::vector<std::string> warnings;
  std::vector<std::string> printed;
  try {
    render::BuildOptions options;
    const std::filesystem::path dir = real_dir(args.dir);
    options.root = args.root ? std::filesystem::path(*args.root) : render::work_tree_root(args.dir);
    options.warnings = &warnings;
    std::vector<Object> resources = render::build(dir, options);
    render::substitute_variables(resources, args.substitute);
    // Each resource is released once printed, so its text reuses its memory: peak memory is
    // about the larger of the two, not their sum. Nothing reaches stdout until all are printed.
    printed.reserve(resources.size());
    for (std::size_t i = 0; i < resources.size(); ++i) {
      try {
        printed.push_back(write_yaml(resources[i].json()));
      } catch (const Error& e) {
        throw e.with_context("document " + std::to_string(i + 1));
      }
      Json().swap(resources[i].json());
    }
  } catch (...) {
    const Error error = Error::from_current_exception();
    for (const std::string& warning : warnings) err << warning << "\n";
    report_error(err, error);
    return kExitFailure;
  }
  for (const std::string& warning : warnings) err << warning << "\n";
  for (std::size_t i = 0; i < printed.size(); ++i) {
    if (i > 0) out << "---\n";
    out << printed[i];
  }
  out.flush();
  return kExitOk;
}

}  // namespace sluice::cli
