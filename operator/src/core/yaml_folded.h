#pragma once

#include <string>

namespace sluice::yaml_folded {

// kustomize re-encodes every resource with go-yaml v3 before decoding it, and v3's emitter
// writes folded (`>`) scalars imperfectly: it decides whether to double a line break by looking
// at the *first* character of the whole value instead of the next line. Decoding that output
// changes the value in two ways, which `value` (the scalar as the YAML spec reads it) is given
// here so sluice renders what kustomize renders:
//  * value not starting with a blank: a line break run after a line that does not start with a
//    blank gains one '\n' when the next line starts with a blank, or when it is the trailing run
//    of a keep (`>+`) scalar;
//  * value starting with a blank: a run between two lines that both start without a blank loses
//    one '\n' (a single '\n' becomes a space).
std::string kustomize_folded_value(const std::string& value, bool keep_chomping);

}  // namespace sluice::yaml_folded
