#pragma once
// The shell pattern matching of envsubst's ${VAR#glob} family.
#include <optional>
#include <string_view>

namespace sluice::render {

// Go's path.Match in envsubst's copy (where '*' and '?' also match '/'): whether `name`
// matches the shell pattern, or nullopt when the pattern turns out malformed while matching
// (like Go, that depends on how far the name lets the matcher read).
std::optional<bool> glob_match(std::string_view pattern, std::string_view name);

}  // namespace sluice::render
