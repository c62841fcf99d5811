#pragma once
// `sluice pull URL (--branch B | --tag T | --semver RANGE | --commit SHA [--branch B]) --out DIR
// [--timeout 60s] [--secret-dir DIR] [--cache-dir DIR] [--ignore PATTERN ...]`: fetches a Git
// source and writes the tree of the resolved revision into DIR (no .git), leaving out what the
// ignore rules (each --ignore one gitignore pattern, after the repository's .sluiceignore)
// exclude. --commit with --branch pins a commit that must be on that branch.

#include "cli/app.h"

namespace sluice::cli {

// Prints "revision: <branch-or-tag>@sha1:<sha>" (for --semver, the tag it resolved to) (or
// "revision: sha1:<sha>" for --commit, as Flux does) and "digest: sha256:<hex>" on ctx.out. On
// failure prints one line "Error: <message>" on ctx.err and returns kExitUsage for a bad command
// line, kExitFailure otherwise. Without
// --cache-dir the bare repository is cached in a temporary directory removed on exit.
int run_pull(const CommandContext& context);

}  // namespace sluice::cli
