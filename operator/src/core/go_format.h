#pragma once

// Numbers as kustomize prints them. A number reaches kustomize's printer by a detour: Go's
// json.Marshal writes it as text, go-yaml v2 reads that text back (as an int if it parses as
// int64 or uint64, else as a float64) and writes it with strconv.FormatFloat(v, 'g', -1, 64).
// So 1.0 prints as 1, 1e20 as 1e+20, 0.000001 as 1e-06 and 123456789.5 as 1.234567895e+08.

#include <string>

namespace sluice::goyaml {

// strconv.FormatFloat(value, 'g', -1, 64) of a finite value: the shortest digits that read
// back as `value`, in %e form ("1.5e+06", "1e-07") when the decimal exponent is below -4 or
// at least 6 (Go's rule for shortest 'g'), else in %f form ("0.0001", "123456.5").
std::string format_float_g(double value);

// The scalar kustomize prints for a float64 `value` (see the file comment). Throws
// Error(kInvalidArgument) for NaN and infinities, which Go's json.Marshal refuses.
std::string float_scalar(double value);

}  // namespace sluice::goyaml
