#pragma once

// Typing of YAML scalars, shared by the reader and its tests. Kept apart from the event
// handling because these rules are exactly yaml.v3's (what kustomize decodes with) and are
// easiest to check on their own.

#include <optional>
#include <string>
#include <string_view>

#include "core/json.h"

namespace sluice::yaml_resolve {

// The JSON value of a plain (unquoted, untagged) scalar under yaml.v3's resolver: null, bool,
// int64, uint64 (positive values past int64), double (including NaN/Inf from .nan/.inf), or
// the text itself as a string.
Json resolve_plain(std::string_view text);

// A plain scalar that yaml.v3 reads as a timestamp (2001-12-14, 2001-12-14T21:59:43.1-05:00,
// 2001-12-14 21:59:43, with t or T) comes out of kustomize as Go's RFC 3339 spelling of that
// time ("2001-12-14T00:00:00Z"); this returns that spelling, or nullopt for anything else
// (including impossible dates such as 2001-02-29, which stay strings).
std::optional<std::string> parse_yaml_timestamp(std::string_view text);

// Go's strconv.ParseInt(text, 0, 64): optional sign, 0x/0o/0b prefixes, legacy leading-0 octal.
std::optional<std::int64_t> parse_go_int(std::string_view text);

// Go's strconv.ParseUint(text, 0, 64): as parse_go_int without a sign.
std::optional<std::uint64_t> parse_go_uint(std::string_view text);

// yaml.v3's yamlStyleFloat: ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$
bool looks_like_yaml_float(std::string_view text) noexcept;

}  // namespace sluice::yaml_resolve
