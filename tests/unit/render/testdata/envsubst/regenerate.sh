#!/usr/bin/env bash
# Regenerates cases.json: the cases from make_cases.py with the results of the real
# github.com/drone/envsubst v1.0.3 (the library Flux's postBuild substitution uses).
# Needs Go and the Go module proxy.
set -euo pipefail
cd "$(dirname "$0")"
python3 make_cases.py | (cd reference && go run .) >cases.json
