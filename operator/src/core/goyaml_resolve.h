#pragma once

// go-yaml v2's reading of plain scalars (resolve.go), which kustomize's printer consults to
// decide whether a string may be written unquoted. These are YAML 1.1 rules, wider than the
// yaml.v3 rules of yaml_resolve.h: yes/no/on/off are booleans, "2001-12-14" a timestamp.

#include <string_view>

#include "core/json.h"

namespace sluice::goyaml {

// Whether go-yaml v2 would read `text`, written plain, as anything but a string: null (~, null,
// Null, NULL, empty), a bool (y, Y, yes, Yes, YES, n, ..., true, ..., on, ..., off, ...), an int
// in Go syntax with `_` ignored (0x1F, 0o17, 017, 0b101, 1_000, 0b-1; in int64 or uint64
// range), a float (1.5, .5, 1e3, .inf, .NaN; not 1e400, which overflows), a timestamp (the
// layouts 2006-1-2, 2006-1-2 15:4:5.9, 2006-1-2T15:4:5.9Z07:00 and with 't', validated as
// Go's time.Parse does), or a YAML 1.1 base-60 number (1:20, -1:20:30.5). Such strings must be
// quoted.
bool plain_is_ambiguous(std::string_view text);

// go-yaml v2's value for a plain scalar decoded into interface{} (then carried through JSON by
// sigs.k8s.io/yaml): null, a bool, an int64/uint64, a float, or the text itself (timestamps
// included). Throws Error(kInvalidArgument) for .inf and .nan, which JSON cannot carry.
Json resolve_plain_v2(std::string_view text);

}  // namespace sluice::goyaml
