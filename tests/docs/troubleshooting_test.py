#!/usr/bin/env python3
"""docs/troubleshooting.md lists exactly the condition and event reasons the code defines.

The reasons are the `inline constexpr std::string_view k... = "..."` constants inside every
`namespace reason` of operator/src (controller/reasons.h, policy/verdict.h, and any added
later); the doc names each in a `### \\`Reason\\`` heading.
"""
import re
import unittest

from docs_support import read, source_files

# `namespace reason {` or `namespace sluice::controller::reason {`, up to its closing brace.
REASON_NAMESPACE = re.compile(r"namespace (?:[\w:]*::)?reason \{(.*?)^\}", re.S | re.M)
CONSTANT = re.compile(r'inline constexpr std::string_view k\w+\s*=\s*"([A-Za-z]+)"')
HEADING = re.compile(r"^### `([A-Za-z]+)`$", re.M)


def reasons_in_code():
    reasons = {}
    for path in source_files("operator/src", suffixes=(".h",)):
        with open(path) as f:
            text = f.read()
        for block in REASON_NAMESPACE.finditer(text):
            for value in CONSTANT.findall(block.group(1)):
                reasons.setdefault(value, path)
    return reasons


class TroubleshootingDoc(unittest.TestCase):
    def test_the_reasons_are_found_in_the_code(self):
        # Guards the extraction itself: a few reasons from each header.
        reasons = reasons_in_code()
        for known in ("ArtifactStored", "ReconciliationSucceeded", "PolicyValid",
                      "CommitUnsigned", "NamespaceNotAllowed"):
            self.assertIn(known, reasons)

    def test_every_reason_is_documented_and_nothing_else(self):
        documented = HEADING.findall(read("docs/troubleshooting.md"))
        self.assertEqual(len(documented), len(set(documented)), "a reason is listed twice")
        code = reasons_in_code()
        missing = sorted(set(code) - set(documented))
        stale = sorted(set(documented) - set(code))
        self.assertEqual(missing, [], "reasons in the code missing from docs/troubleshooting.md: "
                         + ", ".join("%s (%s)" % (r, code[r]) for r in missing))
        self.assertEqual(stale, [], "docs/troubleshooting.md lists reasons the code no longer "
                         "defines")


if __name__ == "__main__":
    unittest.main()
