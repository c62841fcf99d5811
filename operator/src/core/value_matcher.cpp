#include "core/value_matcher.h"

#include "core/error.h"

namespace sluice {

ValueMatcher::ValueMatcher(std::string exact, std::string regexp, std::string_view what)
    : exact_(std::move(exact)), regexp_(std::move(regexp)) {
  if (exact_.empty() && regexp_.empty()) {
    throw invalid_argument(std::string(what) +
                           ": an exact value or a regular expression is required");
  }
  if (regexp_.empty()) return;
  if (regexp_.size() > kMaxRegExpLength) {
    throw invalid_argument(std::string(what) + ": the regular expression is longer than " +
                           std::to_string(kMaxRegExpLength) + " characters");
  }
  try {
    compiled_ = std::make_shared<const std::regex>(regexp_, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    throw invalid_argument(std::string(what) + ": \"" + regexp_ +
                           "\" is not a valid (ECMAScript) regular expression: " + e.what());
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
