#pragma once
// `sluice build DIR [--root ROOT] [--substitute KEY=VALUE ...]`: renders a kustomization the way
// `kubectl kustomize DIR` does and prints it to stdout. It needs only the renderer and core
// (nothing of the cluster side), and touches no cluster, Git or network.

#include <ostream>
#include <span>
#include <string>

namespace sluice::cli {

// `args` are the command's own arguments (after "build"). Without --root, reads are confined to
// the Git work tree holding DIR (render::work_tree_root). Prints the rendered multi-document
// YAML on `out`, or, on any failure, one line "Error: <file>: <problem>" on `err` and nothing on
// `out` (the output is rendered in full before a byte is written). kustomize's deprecation
// warnings go to `err` either way. Returns the exit code (cli/report.h).
int run_build(std::span<const std::string> args, std::ostream& out, std::ostream& err);

}  // namespace sluice::cli
