#include "policy/image_glob.h"

#include <algorithm>

#include "core/error.h"

namespace sluice::policy {
namespace {

constexpr std::size_t kMaxGlobLength = 512;

bool allowed_glob_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-' || c == '/' || c == ':' || c == '*';
}

std::vector<std::string_view> split_segments(std::string_view text) {
  std::vector<std::string_view> segments;
  while (true) {
    const std::size_t slash = text.find('/');
    segments.push_back(text.substr(0, slash));
    if (slash == std::string_view::npos) return segments;
    text.remove_prefix(slash + 1);
  }
}

// `*` within one segment: classic wildcard matching with backtracking to the last star only,
// which is linear-bounded (O(pattern * text)) and never recursive.
bool match_segment(std::string_view pattern, std::string_view text) {
  std::size_t p = 0;
  std::size_t t = 0;
  std::size_t star = std::string_view::npos;
  std::size_t star_text = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_text = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++star_text;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

// Segment lists with "**" matching zero or more segments: dynamic programming over
// (glob segment, name segment), so hostile globs like "**/**/**/..." stay polynomial.
bool match_segments(const std::vector<std::string>& glob,
                    const std::vector<std::string_view>& name) {
  // reachable[j]: glob[0..i) can match name[0..j).
  std::vector<char> reachable{1};
  reachable.resize(name.size() + 1, 0);
  for (const std::string& segment : glob) {
    std::vector<char> next(name.size() + 1, 0);
    if (segment == "**") {
      bool any = false;
      for (std::size_t j = 0; j <= name.size(); ++j) {
        any = any || reachable[j] != 0;
        next[j] = any ? 1 : 0;
      }
    } else {
      for (std::size_t j = 0; j < name.size(); ++j) {
        if (reachable[j] != 0 && match_segment(segment, name[j])) next[j + 1] = 1;
      }
    }
    reachable = std::move(next);
  }
  return reachable[name.size()] != 0;
}

}  // namespace

ImageGlob ImageGlob::parse(std::string_view glob) {
  const auto fail = [&](const std::string& why) -> Error {
    return invalid_argument("invalid image glob \"" + std::string(glob.substr(0, 300)) +
                            "\": " + why);
  };
  if (glob.empty()) throw fail("empty");
  if (glob.size() > kMaxGlobLength) throw fail("longer than 512 characters");
  if (!std::all_of(glob.begin(), glob.end(), allowed_glob_char)) {
    throw fail("only letters, digits, '.', '_', '-', ':', '/' and '*' may appear");
  }
  const std::vector<std::string_view> written = split_segments(glob);
  for (const std::string_view segment : written) {
    if (segment.empty()) throw fail("empty path segment");
    if (segment.find("***") != std::string_view::npos) throw fail("\"***\" means nothing");
    if (segment.find("**") != std::string_view::npos && segment != "**") {
      throw fail("\"**\" must be a whole path segment");
    }
  }
  if (written.back().find(':') != std::string_view::npos && written.size() > 1) {
    throw fail("globs match repository names; tags and digests cannot be matched");
  }

  ImageGlob result;
  result.text_ = std::string(glob);
  std::vector<std::string> segments(written.begin(), written.end());
  const std::string& first = segments.front();
  if (first != "**") {
    const bool names_registry =
        segments.size() > 1 &&
        (first.find_first_of(".:") != std::string::npos || first == "localhost" ||
         std::any_of(first.begin(), first.end(), [](char c) { return c >= 'A' && c <= 'Z'; }));
    if (!names_registry) {
      if (first.find(':') != std::string::npos) {
        throw fail("globs match repository names; tags and digests cannot be matched");
      }
      if (segments.size() == 1) segments.insert(segments.begin(), "library");
      segments.insert(segments.begin(), "docker.io");
    } else if (first == "index.docker.io") {
      segments.front() = "docker.io";
    }
  }
  for (const std::string& segment : segments) {
    result.normalised_ += result.normalised_.empty() ? "" : "/";
    result.normalised_ += segment;
  }
  result.segments_ = std::move(segments);
  return result;
}

bool ImageGlob::matches(std::string_view name) const {
  return match_segments(segments_, split_segments(name));
}

}  // namespace sluice::policy
