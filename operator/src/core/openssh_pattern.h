#pragma once
// OpenSSH's pattern language (match.c), shared by known_hosts host patterns and the principals
// and namespaces= lists of allowed_signers files: '*' matches any run of characters, '?' one
// character, everything else itself (case-sensitive; no brackets or escapes).
#include <string_view>

namespace sluice {

bool match_openssh_pattern(std::string_view pattern, std::string_view text);

// A comma-separated list of patterns, each optionally negated with a leading '!': false when
// any negated pattern matches, otherwise true when any plain pattern matches (OpenSSH's
// match_pattern_list returning 1).
bool match_openssh_pattern_list(std::string_view list, std::string_view text);

}  // namespace sluice
