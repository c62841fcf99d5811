#include "cli/crds_command.h"

#include <filesystem>
#include <fstream>
#include <string>

#include "api/crds.h"
#include "cli/command_line.h"
#include "core/error.h"

namespace sluice::cli {
namespace {

struct CrdsArgs {
  std::string out;
};

CrdsArgs parse_args(std::span<const std::string> args) {
  CrdsArgs parsed;
  for_each_argument(
      args,
      [&](const std::string& flag, const std::string& value) {
        if (flag != "--out") throw invalid_argument("unknown flag " + flag);
        parsed.out = value;
      },
      [](const std::string& arg) { throw invalid_argument("unexpected argument " + arg); });
  return parsed;
}

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) throw Error(ErrorCode::kUnavailable, "cannot write " + path.string());
}

}  // namespace

int run_crds(const CommandContext& context) {
  return run_command<CrdsArgs>(context, &parse_args, [&](CrdsArgs& args) {
    const std::vector<api::CrdFile> files = api::crds();
    if (args.out.empty()) {
      for (std::size_t i = 0; i < files.size(); ++i) {
        context.out << (i == 0 ? "" : "---\n") << api::crd_yaml(files[i]);
      }
      return;
    }
    std::filesystem::create_directories(args.out);
    for (const api::CrdFile& file : files) {
      write_file(std::filesystem::path(args.out) / file.file_name, api::crd_yaml(file));
    }
  });
}

}  // namespace sluice::cli
