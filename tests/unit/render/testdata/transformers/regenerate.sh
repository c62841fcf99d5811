#!/usr/bin/env bash
# Regenerates expected.yaml of each transformer golden test with kubectl kustomize (the
# reference), keeping input order (sortOptions fifo). Run from anywhere; needs kubectl.
set -euo pipefail
cd "$(dirname "$0")"
regenerate() {
  local name=$1 field=$2 work
  work=$(mktemp -d)
  cp "$name/input.yaml" "$work/"
  printf '%s\nsortOptions:\n  order: fifo\nresources:\n- input.yaml\n' "$field" >"$work/kustomization.yaml"
  kubectl kustomize "$work" >"$name/expected.yaml" 2>/dev/null
  rm -rf "$work"
}
regenerate namespace 'namespace: tenant-a'
regenerate prefix_suffix $'namePrefix: team-\nnameSuffix: "-001"'
regenerate labels $'commonLabels:\n  app.kubernetes.io/name: shop\n  tier: backend'
regenerate annotations $'commonAnnotations:\n  owner: team-a\n  note: "multi word: value"'
