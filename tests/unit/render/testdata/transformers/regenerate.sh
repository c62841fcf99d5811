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
regenerate images $'images:\n- name: nginx\n  newTag: "1.25"\n- name: registry.example.com:5000/team/app\n  newName: other/app\n  digest: sha256:fff\n- name: busybox\n  tagSuffix: -patched\n- name: my.reg:5000/tools\n  newName: my.reg:5000/tools2\n  newTag: v2\n  digest: sha256:eee'
regenerate replicas $'replicas:\n- name: web\n  count: 3\n- name: db\n  count: 2\n- name: rs\n  count: 0\n- name: rc\n  count: 4'
regenerate labels_entries $'labels:\n- pairs:\n    a: "1"\n  includeTemplates: true\n- pairs:\n    b: "2"\n- pairs:\n    c: "3"\n  includeSelectors: true\n- pairs:\n    d: "4"\n  fields:\n  - path: spec/custom/labels\n    kind: Widget\n    create: true\n  - path: spec/template/metadata/labels\n    group: example.com'
regenerate patches $'patches:\n- target:\n    kind: Deployment\n    name: w.*\n  patch: |-\n    - op: add\n      path: /metadata/annotations\n      value: {b: 0x1F, c: 1.0, e: "yes", g: 1e3, h: ~, j: 1.5}\n- target:\n    kind: ConfigMap\n    labelSelector: x in (1,2)\n  patch: \'[{"op": "replace", "path": "/data/a", "value": "patched"}, {"op": "copy", "from": "/data/a", "path": "/data/b"}]\'\n- target:\n    version: v1\n    annotationSelector: "!nothing"\n    name: no-ann\n  patch: |-\n    - op: add\n      path: /data/new\n      value: from-file'
# The generators golden test has its own kustomization (generators/kustomization.yaml).
kubectl kustomize generators >generators/expected.yaml 2>/dev/null
# strategic_merge also has a patches.yaml (one patch per resource, matched by id).
work=$(mktemp -d)
cp strategic_merge/input.yaml strategic_merge/patches.yaml "$work/"
printf 'sortOptions:\n  order: fifo\nresources:\n- input.yaml\npatches:\n- path: patches.yaml\n' >"$work/kustomization.yaml"
kubectl kustomize "$work" >strategic_merge/expected.yaml 2>/dev/null
rm -rf "$work"
regenerate name_reference $'namespace: tenant-a\nnamePrefix: p-'
regenerate replacements "$(cat replacements/field.yaml)"
regenerate vars "$(cat vars/field.yaml)"
