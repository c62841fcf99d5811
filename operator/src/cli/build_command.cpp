#include "cli/build_command.h"

#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/yaml_writer.h"
#include "render/builder.h"

namespace sluice::cli {
namespace {

struct BuildArgs {
  std::string dir;
  std::optional<std::string> root;
};

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
    } else if (arg == "--substitute" || arg.starts_with("--substitute=")) {
      throw unimplemented("--substitute is not supported yet");
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
  return parsed;
}

}  // namespace

int run_build(const CommandContext& ctx) {
  BuildArgs args;
  try {
    args = parse_args(ctx.args);
  } catch (const Error& e) {
    return report_argument_error(ctx, e);
  }
  std::vector<std::string> warnings;
  std::string rendered;
  try {
    render::BuildOptions options;
    if (args.root) options.root = *args.root;
    options.warnings = &warnings;
    const std::vector<Object> resources = render::build(args.dir, options);
    std::vector<Json> documents;
    documents.reserve(resources.size());
    for (const Object& object : resources) documents.push_back(object.json());
    rendered = write_yaml_documents(documents);
  } catch (...) {
    const Error error = Error::from_current_exception();
    for (const std::string& warning : warnings) ctx.err << warning << "\n";
    report_error(ctx.err, error);
    return kExitFailure;
  }
  for (const std::string& warning : warnings) ctx.err << warning << "\n";
  ctx.out << rendered;
  ctx.out.flush();
  return kExitOk;
}

}  // namespace sluice::cli
