#pragma once

// Semantic versions of tags and version ranges over them, following Masterminds/semver v3 (what
// Flux's `ref.semver` uses). Pure logic.
//
// Versions: an optional 'v', MAJOR[.MINOR[.PATCH]] (missing parts are 0), an optional
// "-prerelease" and "+build" (build metadata is ignored for precedence).
// Ranges: comparators `=`, `!=`, `>`, `<`, `>=`, `<=` (also `=>`, `=<`), `~` (`~>`), `^`,
// wildcards (`1.2.x`, `1.*`, `*`, or missing parts: `1.2` = `1.2.x`), hyphen ranges
// (`1.2 - 1.4.5`); comparators separated by spaces or commas must all hold, `||` separates
// alternatives.
// Pre-releases: a pre-release version matches an alternative only if one of its comparators
// names a pre-release (so ">=1.0.0" never picks 1.1.0-rc.1, ">=1.1.0-0" may).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::git {

struct Version {
  std::uint64_t major = 0;
  std::uint64_t minor = 0;
  std::uint64_t patch = 0;
  std::vector<std::string> prerelease;  // dot-separated identifiers; empty for a release

  // Parses a tag; nullopt when it is not a version.
  static std::optional<Version> parse(std::string_view text);
};

// Semver precedence: <0 when a < b, 0 when equal, >0 when a > b.
int compare(const Version& a, const Version& b);

class VersionRange {
 public:
  // Throws Error(kInvalidArgument) for a malformed range.
  static VersionRange parse(std::string_view text);

  bool contains(const Version& version) const;

  struct Bound {
    Version version;
    bool inclusive = true;
  };
  // One comparator: the versions between lower and upper (unbounded when absent), or outside
  // them when `negated`.
  struct Comparator {
    std::optional<Bound> lower;
    std::optional<Bound> upper;
    bool negated = false;
    bool names_prerelease = false;
  };

 private:
  std::vector<std::vector<Comparator>> alternatives_;
};

// The name of the highest tag whose version lies in `range` (ties broken by the larger tag
// name), or nullopt. Tags that are not versions are ignored.
std::optional<std::string> highest_matching_tag(const std::vector<std::string>& tags,
                                                const VersionRange& range);

}  // namespace sluice::git
