#pragma once
// How cosign expects a certificate value (--certificate-identity[-regexp],
// --certificate-oidc-issuer[-regexp]): exactly, or by a regular expression searched anywhere in
// the value (Go's regexp.MatchString: unanchored; write ^...$ to match the whole value).
//
// Both may be given; then both must hold. That is sigstore-go's rule (cosign's new bundle
// format); cosign's classic signature path ignores the exact value when a regexp is given, and
// neither cosign path rejects the combination.
//
// Regular expressions are ECMAScript (std::regex), not Go's RE2. The common syntax (literals,
// classes, ., *, +, ?, {m,n}, |, groups, ^, $, \d \w \s) means the same in both; RE2's inline
// flags such as (?i), \z, \A, and named groups (?P<name>...) do not exist in ECMAScript and are
// rejected as invalid; backreferences are rejected as RE2 rejects them; ECMAScript's lookaheads
// (?=...) (?!...), which RE2 rejects, are accepted. Matching uses libstdc++'s polynomial
// (non-backtracking) executor, so no pattern makes it exponential or deeply recursive; patterns
// and matched values are still bounded in length (the executor is quadratic in the value).

#include <memory>
#include <regex>
#include <string>
#include <string_view>

namespace sluice {

class ValueMatcher {
 public:
  static constexpr std::size_t kMaxRegExpLength = 1024;
  static constexpr std::size_t kMaxMatchedLength = 4096;

  // Matches nothing.
  ValueMatcher() = default;

  // `exact` and `regexp` may each be empty (not given), not both. Throws Error(kInvalidArgument)
  // naming `what` (e.g. "--certificate-identity-regexp") when neither is given or the regexp is
  // not a valid ECMAScript regular expression or is longer than kMaxRegExpLength.
  ValueMatcher(std::string exact, std::string regexp, std::string_view what = "regexp");

  static ValueMatcher exactly(std::string value) { return {std::move(value), ""}; }
  static ValueMatcher by_regexp(std::string pattern, std::string_view what = "regexp") {
    return {"", std::move(pattern), what};
  }

  // False for a default-constructed matcher, and for values longer than kMaxMatchedLength when
  // a regexp is given.
  bool matches(std::string_view value) const;

  bool empty() const noexcept { return exact_.empty() && regexp_.empty(); }
  const std::string& exact() const noexcept { return exact_; }
  const std::string& regexp() const noexcept { return regexp_; }

  // `"value"`, `/regexp/`, or `"value" and /regexp/`, for messages.
  std::string to_string() const;

  bool operator==(const ValueMatcher& other) const {
    return exact_ == other.exact_ && regexp_ == other.regexp_;
  }

 private:
  std::string exact_;
  std::string regexp_;
  std::shared_ptr<const std::regex> compiled_;  // shared: std::regex copies are costly
};

}  // namespace sluice
