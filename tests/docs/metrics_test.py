#!/usr/bin/env python3
"""docs/metrics.md lists exactly the Prometheus metrics the operator registers.

A metric is registered in operator/src by a call of the server::Registry (counter, gauge,
histogram, gauge_function) whose first argument is the metric's name as a string literal;
the doc names each in the first column of a table row. A name built at run time would escape
this test, so the test also checks that every registry call it sees has a literal name.
"""
import re
import unittest

from docs_support import read, source_files

REGISTRATION = re.compile(r"\b(counter|gauge|histogram|gauge_function)\(\s*\"(sluice_\w+)\"")
# Any call of the registry's methods through `registry->`, `registry.`, `r.` or `metrics.`.
REGISTRY_CALL = re.compile(
    r"\b(?:registry|r|metrics)\s*(?:->|\.)\s*(counter|gauge|histogram|gauge_function)\(\s*(\S)")
DOCUMENTED = re.compile(r"^\| `(\w+)` \| (\w+) \|", re.M)
KINDS = {"counter": "counter", "gauge": "gauge", "gauge_function": "gauge",
         "histogram": "histogram"}


def registrations():
    """{metric name: (type, file)} for every registration in operator/src."""
    found, unnamed = {}, []
    for path in source_files("operator/src", suffixes=(".cpp",)):
        with open(path) as f:
            text = f.read()
        for call in REGISTRATION.finditer(text):
            found[call.group(2)] = (KINDS[call.group(1)], path)
        for call in REGISTRY_CALL.finditer(text):
            if call.group(2) != '"':
                unnamed.append("%s: %s" % (path, call.group(0)))
    return found, unnamed


class MetricsDoc(unittest.TestCase):
    def test_the_registrations_are_found_in_the_code(self):
        found, _ = registrations()
        for known in ("sluice_reconcile_total", "sluice_owned_objects",
                      "sluice_webhook_requests_total", "sluice_leader",
                      "sluice_pipeline_stage_duration_seconds"):
            self.assertIn(known, found)

    def test_every_registration_names_its_metric_literally(self):
        _, unnamed = registrations()
        self.assertEqual(unnamed, [], "metrics registered under a computed name")

    def test_every_metric_is_documented_with_its_type_and_nothing_else(self):
        documented = dict(DOCUMENTED.findall(read("docs/metrics.md")))
        found, _ = registrations()
        missing = sorted(set(found) - set(documented))
        stale = sorted(set(documented) - set(found))
        self.assertEqual(missing, [], "metrics missing from docs/metrics.md: " +
                         ", ".join("%s (%s)" % (m, found[m][1]) for m in missing))
        self.assertEqual(stale, [], "docs/metrics.md lists metrics the code does not register")
        for name, (kind, _) in found.items():
            self.assertEqual(documented[name], kind, name)


if __name__ == "__main__":
    unittest.main()
