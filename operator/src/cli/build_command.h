#pragma once
// `sluice build DIR [--root DIR]`: renders a kustomization the way `kubectl kustomize DIR`
// does and prints it to stdout.

#include "cli/app.h"

namespace sluice::cli {

// Prints the rendered multi-document YAML on ctx.out, or, on any failure, one line
// "Error: <file>: <problem>" on ctx.err and nothing on ctx.out (the output is rendered in full
// before a byte is written). kustomize's deprecation warnings go to ctx.err either way.
int run_build(const CommandContext& ctx);

}  // namespace sluice::cli
