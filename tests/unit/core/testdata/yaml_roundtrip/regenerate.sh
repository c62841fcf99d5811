#!/usr/bin/env bash
# Regenerates the expected output of each <case>.yaml with the reference renderer,
# `kubectl kustomize` (kustomize v5.5), into <case>.expected. The reader+writer round trip test
# (yaml_roundtrip_test.cpp) must print exactly these bytes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for input in "$here"/*.yaml; do
  name=$(basename "$input" .yaml)
  rm -rf "${work:?}"/*
  cp "$input" "$work/resource.yaml"
  printf 'resources:\n- resource.yaml\n' > "$work/kustomization.yaml"
  kubectl kustomize "$work" > "$here/$name.expected"
done
