#include "policy/verdict.h"

#include <algorithm>

namespace sluice::policy {
namespace {

constexpr std::size_t kSummaryDetails = 3;

std::string describe(const std::vector<const Violation*>& violations) {
  std::string text;
  for (std::size_t i = 0; i < violations.size() && i < kSummaryDetails; ++i) {
    text += i == 0 ? "" : "; ";
    text += violations[i]->rule + " " + violations[i]->object;
  }
  if (violations.size() > kSummaryDetails) {
    text += "; and " + std::to_string(violations.size() - kSummaryDetails) + " more";
  }
  return text;
}

std::string count(std::size_t n, std::string_view noun) {
  return std::to_string(n) + " " + std::string(noun) + (n == 1 ? "" : "s");
}

}  // namespace

void Verdict::add(Violation violation) {
  if (violation.blocking()) allowed = false;
  violations.push_back(std::move(violation));
}

std::size_t Verdict::blocking_count() const {
  return static_cast<std::size_t>(
      std::count_if(violations.begin(), violations.end(),
                    [](const Violation& violation) { return violation.blocking(); }));
}

std::string Verdict::summary() const {
  std::vector<const Violation*> blocking;
  std::vector<const Violation*> reported;
  for (const Violation& violation : violations) {
    (violation.blocking() ? blocking : reported).push_back(&violation);
  }
  std::string text = blocking.empty() ? "allowed"
                                      : "blocked: " + count(blocking.size(), "violation") + " (" +
                                            describe(blocking) + ")";
  if (!reported.empty()) {
    text += "; " + count(reported.size(), "violation") + " reported by Audit policies (" +
            describe(reported) + ")";
  }
  return text;
}

}  // namespace sluice::policy
