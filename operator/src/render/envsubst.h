#pragma once
// Bash-style variable substitution exactly as Flux performs its postBuild substitution, which
// runs github.com/drone/envsubst v1.0.3 over each rendered resource. sluice must expand the
// same text to the same result, so this is a port of that library's parser and functions
// (no C++ library implements its particular grammar):
//
//   ${VAR}                       the value ("" when unset)
//   ${VAR:=x} ${VAR:-x} ${VAR=x} ${VAR-x} ${VAR:?x} ${VAR:+x}
//                                x when the value is empty (all six alike, as in envsubst)
//   ${#VAR}                      length in bytes
//   ${VAR^} ${VAR^^} ${VAR,} ${VAR,,}
//                                upper/lower case of the first or every letter
//   ${VAR:pos} ${VAR:pos:len}    substring (byte offsets, negative pos counts from the end)
//   ${VAR#glob} ${VAR##glob} ${VAR%glob} ${VAR%%glob}
//                                remove the shortest/longest matching prefix/suffix
//   ${VAR/a/b} ${VAR//a/b} ${VAR/#a/b} ${VAR/%a/b}
//                                replace first/all/prefix/suffix occurrence
//   $${VAR}                      the literal text ${VAR} ("$$" is an escaped "$")
//
// Only the braced form substitutes: "$VAR" is left as it is. Arguments may nest other
// substitutions. Malformed expressions ("${", "${1x", "${VAR") are errors.
//
// The case functions use glibc's Unicode case tables where envsubst uses Go's; both are
// Unicode's simple case mappings.
#include <functional>
#include <string>
#include <string_view>

namespace sluice::render {

// The value of a variable by name; "" when it is not set.
using VariableLookup = std::function<std::string(std::string_view name)>;

// Expands `text`. Throws Error(kInvalidArgument) with envsubst's reason ("bad substitution",
// "missing closing brace", ...) when it cannot be parsed.
std::string expand_variables(std::string_view text, const VariableLookup& lookup);

}  // namespace sluice::render
