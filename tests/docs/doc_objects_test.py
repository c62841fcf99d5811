#!/usr/bin/env python3
"""What the docs show of sluice's API exists in it.

- Every sluice.dev object in a YAML block of docs/*.md and README.md is valid under its CRD
  (field names, types, enums, patterns, required fields), so an example a user copies is
  accepted by the API server.
- docs/migrating-from-flux.md: every sluice field in its tables exists in the CRD of the
  table's kind, and every spec field of GitSource and Application is in its table.
- docs/quickstart.md's Helm command installs the chart the repository holds.
"""
import glob
import os
import re
import unittest

import yaml

from crd_schema import field_paths, load_schemas, validate
from docs_support import ROOT, fenced_blocks, read

SCHEMAS = load_schemas()


def doc_files():
    return sorted(glob.glob(os.path.join(ROOT, "docs", "*.md"))) + [os.path.join(ROOT,
                                                                                 "README.md")]


def table_rows(markdown, heading):
    """The rows of the first table under `## heading`, as lists of cells."""
    section = markdown.split("## " + heading + "\n", 1)
    if len(section) < 2:
        raise AssertionError("no section '## %s'" % heading)
    rows = []
    for line in section[1].split("\n## ", 1)[0].splitlines():
        if line.startswith("| ") and not line.startswith("| ---"):
            rows.append([cell.strip() for cell in line.strip("|").split(" | ")])
    return rows[1:]  # the header row


class DocObjects(unittest.TestCase):
    def test_every_sluice_object_in_the_docs_is_valid(self):
        checked = 0
        for path in doc_files():
            with open(path) as f:
                markdown = f.read()
            for language, text in fenced_blocks(markdown, "yaml"):
                for document in yaml.safe_load_all(text):
                    if not isinstance(document, dict) or \
                            not str(document.get("apiVersion", "")).startswith("sluice.dev/"):
                        continue
                    kind = document.get("kind")
                    name = "%s: %s %s" % (os.path.relpath(path, ROOT), kind,
                                          document.get("metadata", {}).get("name"))
                    self.assertEqual(document["apiVersion"], "sluice.dev/v1alpha1", name)
                    self.assertIn(kind, SCHEMAS, name)
                    self.assertEqual(validate(document, SCHEMAS[kind]), [], name)
                    checked += 1
        # The guides hold examples of all three kinds; none may silently drop out.
        self.assertGreaterEqual(checked, 6)

    def test_the_validator_refuses_what_the_api_server_refuses(self):
        bad = {"apiVersion": "sluice.dev/v1alpha1", "kind": "Application",
               "metadata": {"name": "x"},
               "spec": {"sourceRef": {"name": "s", "kind": "GitRepository"}, "prunne": True,
                        "interval": "5 minutes"}}
        problems = validate(bad, SCHEMAS["Application"])
        self.assertEqual(len(problems), 3, problems)


class FluxMigration(unittest.TestCase):
    TABLES = {"GitRepository → GitSource": "GitSource",
              "Kustomization → Application": "Application"}

    def test_every_sluice_field_exists_and_every_spec_field_is_mapped(self):
        markdown = read("docs/migrating-from-flux.md")
        for heading, kind in self.TABLES.items():
            known = field_paths(SCHEMAS[kind])
            named = set()
            for row in table_rows(markdown, heading):
                self.assertEqual(len(row), 3, row)
                for field in re.findall(r"`([a-zA-Z.]+)`", row[1]):
                    self.assertIn(field, known, "%s has no field %s" % (kind, field))
                    parts = field.split(".")
                    named |= {".".join(parts[:i]) for i in range(2, len(parts) + 1)}
                if row[1] == "—":
                    self.assertTrue(row[2], "an unmapped Flux field needs a note: %s" % row)
            top_level = {p for p in known if re.fullmatch(r"spec\.\w+", p)}
            self.assertEqual(sorted(top_level - named), [], "%s fields not mapped" % kind)
            self.assertGreater(len(named), 10)


CHART = os.path.join(ROOT, "charts", "sluice")


class Quickstart(unittest.TestCase):
    def installs(self):
        markdown = read("docs/quickstart.md")
        installs = re.findall(r"helm install sluice (\S+) -n sluice-system --create-namespace"
                              r"((?: \\\n)?(?: +--set [\w.]+=\S+)*)", markdown)
        self.assertTrue(installs, "the quickstart installs the release sluice with helm")
        return installs

    def test_the_helm_install_names_the_repositorys_chart(self):
        for chart, _ in self.installs():
            self.assertEqual(chart, "charts/sluice")

    @unittest.skipUnless(os.path.exists(os.path.join(CHART, "values.yaml")),
                         "charts/sluice/values.yaml comes with the chart (issue 17)")
    def test_every_value_it_sets_is_a_value_of_the_chart(self):
        with open(os.path.join(CHART, "values.yaml")) as f:
            values = yaml.safe_load(f)
        for _, settings in self.installs():
            for key in re.findall(r"--set ([\w.]+)=", settings):
                node = values
                for part in key.split("."):
                    self.assertIsInstance(node, dict, key)
                    self.assertIn(part, node, "charts/sluice has no value " + key)
                    node = node[part]


if __name__ == "__main__":
    unittest.main()
