#pragma once
// `sluice build DIR [--root ROOT] [--substitute KEY=VALUE ...]`: renders a kustomization the way
// `kubectl kustomize DIR` does and prints it to stdout. It needs only the renderer, so the
// statically linked front end (front_main.cpp) runs it without loading the rest of sluice.

#include <ostream>
#include <span>
#include <string>
#include <string_view>

namespace sluice::cli {

// `args` are the command's own arguments (after "build"). Without --root, reads are confined to
// the Git work tree holding DIR (render::work_tree_root). Prints the rendered multi-document
// YAML on `out`, or, on any failure, one line "Error: <file>: <problem>" on `err` and nothing on
// `out` (the output is rendered in full before a byte is written). kustomize's deprecation
// warnings go to `err` either way. Returns the exit code (cli/report.h).
int run_build(std::span<const std::string> args, std::ostream& out, std::ostream& err);

// Whether `arg` is one of run_build's own flags ("--root", "--root=DIR", "--substitute", ...).
// The front end renders only command lines made of these and operands, so a flag added to
// run_build belongs here too.
bool is_build_flag(std::string_view arg);

}  // namespace sluice::cli
