#include "git/semver.h"

#include <algorithm>
#include <cctype>

#include "core/error.h"

namespace sluice::git {
namespace {

bool all_digits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
}

bool valid_identifier(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(),
                                      [](unsigned char c) { return std::isalnum(c) || c == '-'; });
}

std::optional<std::uint64_t> parse_number(std::string_view text) {
  if (!all_digits(text) || text.size() > 18) return std::nullopt;
  if (text.size() > 1 && text.front() == '0') return std::nullopt;
  std::uint64_t value = 0;
  for (const char c : text) value = value * 10U + static_cast<std::uint64_t>(c - '0');
  return value;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return parts;
}

// A version as written in a range: parts may be missing or wildcards.
struct Partial {
  Version version;
  int known = 0;  // how many of major, minor, patch are given (0..3)
};

// Splits "1.2.3-rc.1+build" into its core and prerelease; nullopt when malformed.
std::optional<Partial> parse_partial(std::string_view text, bool allow_wildcards) {
  if (text.starts_with('v') || text.starts_with('V')) text.remove_prefix(1);
  if (const std::size_t plus = text.find('+'); plus != std::string_view::npos) {
    for (const std::string_view id : split(text.substr(plus + 1), '.')) {
      if (!valid_identifier(id)) return std::nullopt;
    }
    text = text.substr(0, plus);
  }
  Partial partial;
  std::string_view core = text;
  if (const std::size_t dash = text.find('-'); dash != std::string_view::npos) {
    core = text.substr(0, dash);
    for (const std::string_view id : split(text.substr(dash + 1), '.')) {
      if (!valid_identifier(id)) return std::nullopt;
      if (all_digits(id) && id.size() > 1 && id.front() == '0') return std::nullopt;
      partial.version.prerelease.emplace_back(id);
    }
  }
  const std::vector<std::string_view> parts = split(core, '.');
  if (parts.size() > 3) return std::nullopt;
  std::uint64_t* fields[] = {&partial.version.major, &partial.version.minor,
                             &partial.version.patch};
  bool wildcard_seen = false;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const std::string_view part = parts[i];
    if (part == "x" || part == "X" || part == "*") {
      if (!allow_wildcards) return std::nullopt;
      wildcard_seen = true;
      continue;
    }
    if (wildcard_seen) return std::nullopt;  // "1.x.3"
    const auto number = parse_number(part);
    if (!number) return std::nullopt;
    *fields[i] = *number;
    partial.known = static_cast<int>(i) + 1;
  }
  if (partial.known < 3 && !partial.version.prerelease.empty()) return std::nullopt;
  return partial;
}

// The first version past every version `partial` stands for ("1.2" -> 1.3.0).
Version next_after(const Partial& partial) {
  Version next;
  if (partial.known == 1) {
    next.major = partial.version.major + 1;
  } else if (partial.known == 2) {
    next.major = partial.version.major;
    next.minor = partial.version.minor + 1;
  } else {
    next = partial.version;  // exact: callers use an inclusive bound instead
  }
  return next;
}

using Bound = VersionRange::Bound;
using Comparator = VersionRange::Comparator;

// The versions `partial` stands for: exact, or [lower, next) for a wildcard.
Comparator exact_or_wildcard(const Partial& partial) {
  Comparator c;
  if (partial.known == 0) return c;  // any
  c.lower = Bound{partial.version, true};
  c.upper = partial.known == 3 ? Bound{partial.version, true} : Bound{next_after(partial), false};
  return c;
}

Comparator parse_comparator(std::string_view text, std::string_view whole) {
  static constexpr std::string_view kOps[] = {">=", "=>", "<=", "=<", "!=", "~>",
                                              ">",  "<",  "=",  "~",  "^"};
  std::string_view op;
  for (const std::string_view candidate : kOps) {
    if (text.starts_with(candidate)) {
      op = candidate;
      break;
    }
  }
  text.remove_prefix(op.size());
  const auto partial = parse_partial(text, true);
  if (!partial) {
    throw invalid_argument("semver range \"" + std::string(whole) + "\": \"" + std::string(text) +
                           "\" is not a version");
  }
  const Partial& p = *partial;
  Comparator c;
  if (op.empty() || op == "=") {
    c = exact_or_wildcard(p);
  } else if (op == "!=") {
    c = exact_or_wildcard(p);
    c.negated = true;
  } else if (op == ">") {
    if (p.known == 0) {
      c.lower = Bound{Version{}, false};  // > * : nothing above "everything"; keep permissive
    } else if (p.known == 3) {
      c.lower = Bound{p.version, false};
    } else {
      c.lower = Bound{next_after(p), true};
    }
  } else if (op == ">=" || op == "=>") {
    c.lower = Bound{p.version, true};
  } else if (op == "<") {
    c.upper = Bound{p.version, false};
  } else if (op == "<=" || op == "=<") {
    if (p.known == 3) {
      c.upper = Bound{p.version, true};
    } else if (p.known > 0) {
      c.upper = Bound{next_after(p), false};
    }
  } else if (op == "~" || op == "~>") {
    c.lower = Bound{p.version, true};
    Version upper;
    if (p.known <= 1) {
      upper.major = p.version.major + 1;
    } else {
      upper.major = p.version.major;
      upper.minor = p.version.minor + 1;
    }
    if (p.known > 0) c.upper = Bound{upper, false};
  } else {  // ^
    c.lower = Bound{p.version, true};
    Version upper;
    if (p.version.major > 0 || p.known <= 1) {
      upper.major = p.version.major + 1;
    } else if (p.version.minor > 0 || p.known == 2) {
      upper.minor = p.version.minor + 1;
    } else {
      upper.patch = p.version.patch + 1;
    }
    if (p.known > 0) c.upper = Bound{upper, false};
  }
  c.names_prerelease = !p.version.prerelease.empty();
  return c;
}

bool within(const Comparator& c, const Version& v) {
  bool inside = true;
  if (c.lower) {
    const int order = compare(v, c.lower->version);
    inside = order > 0 || (order == 0 && c.lower->inclusive);
  }
  if (inside && c.upper) {
    const int order = compare(v, c.upper->version);
    inside = order < 0 || (order == 0 && c.upper->inclusive);
  }
  return c.negated ? !inside : inside;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

}  // namespace

std::optional<Version> Version::parse(std::string_view text) {
  const auto partial = parse_partial(text, false);
  if (!partial || partial->known == 0) return std::nullopt;
  return partial->version;
}

int compare(const Version& a, const Version& b) {
  const auto three = [](std::uint64_t x, std::uint64_t y) { return x < y ? -1 : (x > y ? 1 : 0); };
  if (const int c = three(a.major, b.major); c != 0) return c;
  if (const int c = three(a.minor, b.minor); c != 0) return c;
  if (const int c = three(a.patch, b.patch); c != 0) return c;
  if (a.prerelease.empty() || b.prerelease.empty()) {
    return three(a.prerelease.empty() ? 1U : 0U, b.prerelease.empty() ? 1U : 0U);
  }
  for (std::size_t i = 0; i < std::min(a.prerelease.size(), b.prerelease.size()); ++i) {
    const std::string& x = a.prerelease[i];
    const std::string& y = b.prerelease[i];
    const bool xn = all_digits(x);
    const bool yn = all_digits(y);
    int c = 0;
    if (xn && yn) {
      c = x.size() != y.size() ? three(x.size(), y.size()) : x.compare(y);
    } else if (xn != yn) {
      c = xn ? -1 : 1;  // numeric identifiers sort first
    } else {
      c = x.compare(y);
    }
    if (c != 0) return c < 0 ? -1 : 1;
  }
  return three(a.prerelease.size(), b.prerelease.size());
}

VersionRange VersionRange::parse(std::string_view text) {
  if (text.size() > 1024) throw invalid_argument("semver range is longer than 1024 characters");
  VersionRange range;
  std::size_t start = 0;
  while (true) {
    const std::size_t bar = text.find("||", start);
    const std::string_view alternative =
        trim(text.substr(start, bar == std::string_view::npos ? bar : bar - start));
    std::vector<std::string> tokens;
    std::string token;
    for (const char c : alternative) {
      if (std::isspace(static_cast<unsigned char>(c)) || c == ',') {
        if (!token.empty()) tokens.push_back(std::move(token));
        token.clear();
      } else {
        token.push_back(c);
      }
    }
    if (!token.empty()) tokens.push_back(std::move(token));
    // An operator written apart from its version (">= 1.2") joins the next token.
    std::vector<std::string> joined;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      if (tokens[i].find_first_not_of("<>=!~^") == std::string::npos && tokens[i] != "-" &&
          i + 1 < tokens.size()) {
        joined.push_back(tokens[i] + tokens[i + 1]);
        ++i;
      } else {
        joined.push_back(tokens[i]);
      }
    }
    if (joined.empty()) {
      throw invalid_argument("semver range \"" + std::string(text) + "\" has an empty part");
    }
    std::vector<Comparator> comparators;
    for (std::size_t i = 0; i < joined.size(); ++i) {
      if (i + 2 < joined.size() && joined[i + 1] == "-") {  // hyphen range
        Comparator low = parse_comparator(">=" + joined[i], text);
        const Comparator high = parse_comparator("<=" + joined[i + 2], text);
        low.upper = high.upper;
        low.names_prerelease = low.names_prerelease || high.names_prerelease;
        comparators.push_back(std::move(low));
        i += 2;
      } else {
        comparators.push_back(parse_comparator(joined[i], text));
      }
    }
    range.alternatives_.push_back(std::move(comparators));
    if (bar == std::string_view::npos) break;
    start = bar + 2;
  }
  return range;
}

bool VersionRange::contains(const Version& version) const {
  for (const auto& alternative : alternatives_) {
    const bool allows_prerelease =
        std::any_of(alternative.begin(), alternative.end(),
                    [](const Comparator& c) { return c.names_prerelease; });
    if (!version.prerelease.empty() && !allows_prerelease) continue;
    if (std::all_of(alternative.begin(), alternative.end(),
                    [&](const Comparator& c) { return within(c, version); })) {
      return true;
    }
  }
  return false;
}

std::optional<std::string> highest_matching_tag(const std::vector<std::string>& tags,
                                                const VersionRange& range) {
  std::optional<std::string> best_tag;
  std::optional<Version> best;
  for (const std::string& tag : tags) {
    const auto version = Version::parse(tag);
    if (!version || !range.contains(*version)) continue;
    const int order = best ? compare(*version, *best) : 1;
    if (order > 0 || (order == 0 && tag > *best_tag)) {
      best = version;
      best_tag = tag;
    }
  }
  return best_tag;
}

}  // namespace sluice::git
