#include "core/value_matcher.h"

#include "core/error.h"

namespace sluice {
namespace {

// libstdc++'s default executor backtracks recursively: a pattern such as (a|b)* needs about
// 600 bytes of stack per character of the value, and (a+)+$ takes exponential time. The
// polynomial (breadth-first) executor needs neither, and refuses backreferences, as RE2 does.
#ifdef __GLIBCXX__
constexpr auto kSyntax = std::regex::ECMAScript | std::regex_constants::__polynomial;
#else
#error "value_matcher.cpp relies on libstdc++'s polynomial regex executor"
#endif

}  // namespace

ValueMatcher::ValueMatcher(std::string exact, std::string regexp, std::string_view what)
    : exact_(std::move(exact)), regexp_(std::move(regexp)) {
  if (exact_.empty() && regexp_.empty()) {
    throw invalid_argument(std::string(what) +
                           ": an exact value or a regular expression is required");
  }
  if (regexp_.empty()) return;
  if (regexp_.size() > kMaxRegExpLength) {
    throw invalid_argument(std::string(what) + ": longer than " + std::to_string(kMaxRegExpLength) +
                           " characters");
  }
  try {
    compiled_ = std::make_shared<const std::regex>(regexp_, kSyntax);
  } catch (const std::regex_error& e) {
    throw invalid_argument(std::string(what) + ": not a valid regular expression (ECMAScript): \"" +
                           regexp_ + "\": " + e.what());
  }
}

bool ValueMatcher::matches(std::string_view value) const {
  if (empty()) return false;
  if (!exact_.empty() && value != exact_) return false;
  if (!compiled_) return true;
  if (value.size() > kMaxMatchedLength) return false;
  try {
    return std::regex_search(value.begin(), value.end(), *compiled_);
  } catch (const std::regex_error&) {
    return false;  // error_complexity / error_stack: treated as no match (fail closed)
  }
}

std::string ValueMatcher::to_string() const {
  std::string text;
  if (!exact_.empty()) text = "\"" + exact_ + "\"";
  if (!regexp_.empty()) text += (text.empty() ? "/" : " and /") + regexp_ + "/";
  return text;
}

}  // namespace sluice
