"""The CRDs of crds/, for checking what the docs say about them: field paths and objects."""
import os
import re

import yaml

from docs_support import ROOT


def load_schemas():
    """{kind: openAPIV3Schema} for every CRD in crds/."""
    schemas = {}
    directory = os.path.join(ROOT, "crds")
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".yaml") or name == "kustomization.yaml":
            continue
        with open(os.path.join(directory, name)) as f:
            crd = yaml.safe_load(f)
        schemas[crd["spec"]["names"]["kind"]] = \
            crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
    return schemas


def field_paths(schema, prefix=""):
    """Every field below `schema` as a dotted path ("spec.ref.branch"); list items add nothing
    to the path, so `spec.dependsOn.name` names the name of every item."""
    paths = set()
    while schema.get("type") == "array":
        schema = schema.get("items", {})
    for name, child in schema.get("properties", {}).items():
        path = prefix + name
        paths.add(path)
        paths |= field_paths(child, path + ".")
    return paths


def validate(value, schema, path="", problems=None):
    """The ways `value` breaks `schema` (types, unknown fields, required fields, enums,
    patterns, lengths), as messages naming the field. CEL rules are not evaluated."""
    problems = [] if problems is None else problems
    kind = schema.get("type")
    where = path or "(root)"
    if kind == "object":
        if not isinstance(value, dict):
            problems.append("%s: want an object" % where)
            return problems
        if "additionalProperties" in schema:
            for key, item in value.items():
                validate(item, schema["additionalProperties"], "%s.%s" % (path, key), problems)
            return problems
        properties = schema.get("properties")
        for required in schema.get("required", []):
            if required not in value:
                problems.append("%s: %s is required" % (where, required))
        if properties is None:
            return problems  # metadata: anything goes
        for key, item in value.items():
            if key not in properties:
                problems.append("%s: unknown field %s" % (where, key))
            else:
                validate(item, properties[key], (path + "." if path else "") + key, problems)
    elif kind == "array":
        if not isinstance(value, list):
            problems.append("%s: want a list" % where)
            return problems
        for i, item in enumerate(value):
            validate(item, schema.get("items", {}), "%s[%d]" % (path, i), problems)
    elif kind == "string":
        if not isinstance(value, str):
            problems.append("%s: want a string, not %r" % (where, value))
            return problems
        if "enum" in schema and value not in schema["enum"]:
            problems.append("%s: %r is not one of %s" % (where, value, schema["enum"]))
        if "pattern" in schema and not re.search(schema["pattern"], value):
            problems.append("%s: %r does not match %s" % (where, value, schema["pattern"]))
        if len(value) > schema.get("maxLength", len(value)) or \
                len(value) < schema.get("minLength", 0):
            problems.append("%s: length out of range" % where)
    elif kind == "boolean" and not isinstance(value, bool):
        problems.append("%s: want true or false" % where)
    elif kind == "integer" and (not isinstance(value, int) or isinstance(value, bool)):
        problems.append("%s: want an integer" % where)
    return problems
