#pragma once
// `sluice crds [--out DIR]`: the CustomResourceDefinitions of sluice.dev (api/crds.h). Without
// --out they go to stdout as one YAML stream (`sluice crds | kubectl apply -f -`); with --out
// each is written to DIR/<group>_<plural>.yaml, which is how crds/ in the repository is made.

#include "cli/app.h"

namespace sluice::cli {

int run_crds(const CommandContext& context);

}  // namespace sluice::cli
