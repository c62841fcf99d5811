#pragma once

// Prints JSON trees as YAML exactly as `kubectl kustomize` (kustomize v5.5) prints resources,
// byte for byte, so that sluice's rendered manifests can be compared with kustomize's.
//
// kustomize's printer is not a plain YAML dump: each resource goes through Go's json.Marshal,
// is read back by go-yaml v2 and written by go-yaml v2's encoder. The writer reproduces the
// visible effects of that path:
//  * Keys in go-yaml v2's "natural" order: digit runs compare as numbers, non-letters sort
//    before letters ("a2" < "a10" < "aB" < "ab"), runes by Go's Unicode letter/digit tables.
//  * Block style, indent 2, sequences not indented under their key, `{}`, `[]`, `null`.
//  * Numbers as go-yaml prints what json.Marshal wrote: 1.0 -> 1, 1e20 -> 1e+20,
//    0.000001 -> 1e-06, 12345678901234567890 unchanged (see go_format.h).
//  * Strings plain when unambiguous; double-quoted when YAML 1.1 would read them as something
//    else (yes, on, ~, 0x1F, 1_000, 2001-12-14, 1:20, ...); single-quoted when plain can't hold
//    them (": ", " #", leading indicators, outer spaces); double-quoted with escapes for tabs,
//    control characters, U+FEFF and runes past U+FFFF; literal blocks (|, |-, |+, |2) for text
//    with line breaks. Scalars fold at spaces past column 80.
//  * Keys over 128 bytes or spanning lines are written as complex keys ("? key\n: value").
//  * Go's reading of its own JSON text: invalid UTF-8 becomes U+FFFD (each bad byte), and
//    U+0085 (NEL) in a string folds like a line break (a lone one becomes a space, spaces
//    around it vanish, n of them in a row become n-1 newlines).
//
// Input kustomize itself refuses to print is refused with Error(kInvalidArgument): NaN and
// infinities; binary or discarded JSON values; strings with U+007F, C1 controls other than
// U+0085, U+FFFE or U+FFFF; U+0085 directly followed by "---" or "..." and a space or another
// U+0085; keys containing U+0085 or longer than 1022 characters once JSON-escaped; nesting
// deeper than 10000 collections.
//
// One known divergence: for some key sets go-yaml's order is not transitive (e.g. "10", "1x",
// "2"), and kustomize's output then varies from run to run with Go's map order; the writer
// picks one fixed order for those.

#include <span>
#include <string>

#include "core/json.h"

namespace sluice {

// Writes one document (a JSON tree) exactly as `kubectl kustomize` prints a resource, ending in
// a newline. Throws Error(kInvalidArgument) for the input described above, with the JSON path
// of the offending value in the message.
std::string write_yaml(const Json& document);

// Several documents joined as kustomize joins resources: "---\n" between them, nothing before
// the first or after the last; no documents give "". Errors name the document (1-based).
std::string write_yaml_documents(std::span<const Json> documents);

}  // namespace sluice
