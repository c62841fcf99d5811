#!/usr/bin/env bash
# Regenerates <case>.yaml for every <case>.json here with the reference printer, `kubectl
# kustomize` (kustomize v5.5.0), which yaml_writer_test.cpp requires write_yaml to match byte
# for byte. A <case>.json is one resource; a `kind: List` stands for its items, which kustomize
# prints as separate documents.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
kubectl version --client | grep -q 'Kustomize Version: v5.5.0' ||
  echo "warning: the golden files were made with kustomize v5.5.0" >&2
for input in "$here"/*.json; do
  name=$(basename "$input" .json)
  rm -rf "${work:?}"/*
  cp "$input" "$work/resource.json"
  printf 'resources:\n- resource.json\n' > "$work/kustomization.yaml"
  kubectl kustomize "$work" > "$here/$name.yaml"
done
