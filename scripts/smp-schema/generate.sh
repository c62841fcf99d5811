#!/usr/bin/env bash
# Regenerates the merge-key table the strategic merge patch unit uses, from the schema built
# into kyaml v0.18.1 (what kustomize v5.5 uses). Needs Go and the Go module proxy.
set -euo pipefail
cd "$(dirname "$0")"
go mod tidy >/dev/null
go run . >../../operator/src/render/transformers/strategic_merge_schema.inc
