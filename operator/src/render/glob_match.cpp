#include "render/glob_match.h"

#include "core/go_unicode.h"

// A port of envsubst's path/match.go (Go's path.Match of 2017, without the '/' rules).
namespace sluice::render {
namespace {

using goyaml::decode_rune;

struct Chunk {
  bool star = false;
  std::string_view chunk;
  std::string_view rest;
};

Chunk scan_chunk(std::string_view pattern) {
  Chunk out;
  while (!pattern.empty() && pattern.front() == '*') {
    pattern.remove_prefix(1);
    out.star = true;
  }
  bool in_range = false;
  std::size_t i = 0;
  for (; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\') {
      if (i + 1 < pattern.size()) ++i;
    } else if (c == '[') {
      in_range = true;
    } else if (c == ']') {
      in_range = false;
    } else if (c == '*' && !in_range) {
      break;
    }
  }
  out.chunk = pattern.substr(0, i);
  out.rest = pattern.substr(i);
  return out;
}

struct BadPattern {};

// One rune of a character class, unescaped; throws BadPattern.
char32_t class_rune(std::string_view& chunk) {
  if (chunk.empty() || chunk.front() == '-' || chunk.front() == ']') throw BadPattern{};
  if (chunk.front() == '\\') {
    chunk.remove_prefix(1);
    if (chunk.empty()) throw BadPattern{};
  }
  const goyaml::DecodedRune decoded = decode_rune(chunk);
  chunk.remove_prefix(decoded.size);
  if ((decoded.rune == goyaml::kRuneError && decoded.size == 1) || chunk.empty()) {
    throw BadPattern{};
  }
  return decoded.rune;
}

// The rest of `s` after `chunk` matched its start, or nullopt.
std::optional<std::string_view> match_chunk(std::string_view chunk, std::string_view s) {
  while (!chunk.empty()) {
    if (s.empty()) return std::nullopt;
    switch (chunk.front()) {
      case '[': {
        const goyaml::DecodedRune decoded = decode_rune(s);
        s.remove_prefix(decoded.size);
        chunk.remove_prefix(1);
        bool negated = false;
        if (!chunk.empty() && chunk.front() == '^') {
          negated = true;
          chunk.remove_prefix(1);
        }
        bool matched = false;
        for (int ranges = 0;; ++ranges) {
          if (!chunk.empty() && chunk.front() == ']' && ranges > 0) {
            chunk.remove_prefix(1);
            break;
          }
          const char32_t low = class_rune(chunk);
          char32_t high = low;
          if (chunk.front() == '-') {
            chunk.remove_prefix(1);
            high = class_rune(chunk);
          }
          if (low <= decoded.rune && decoded.rune <= high) matched = true;
        }
        if (matched == negated) return std::nullopt;
        break;
      }
      case '?':
        s.remove_prefix(decode_rune(s).size);
        chunk.remove_prefix(1);
        break;
      case '\\':
        chunk.remove_prefix(1);
        if (chunk.empty()) throw BadPattern{};
        [[fallthrough]];
      default:
        if (chunk.front() != s.front()) return std::nullopt;
        s.remove_prefix(1);
        chunk.remove_prefix(1);
    }
  }
  return s;
}

}  // namespace

std::optional<bool> glob_match(std::string_view pattern, std::string_view name) {
  try {
    while (!pattern.empty()) {
      const Chunk next = scan_chunk(pattern);
      pattern = next.rest;
      if (next.star && next.chunk.empty()) return true;
      const auto rest = match_chunk(next.chunk, name);
      if (rest && (rest->empty() || !pattern.empty())) {
        name = *rest;
        continue;
      }
      bool advanced = false;
      for (std::size_t i = 0; next.star && i < name.size(); ++i) {
        const auto skipped = match_chunk(next.chunk, name.substr(i + 1));
        if (!skipped || (pattern.empty() && !skipped->empty())) continue;
        name = *skipped;
        advanced = true;
        break;
      }
      if (!advanced) return false;
    }
    return name.empty();
  } catch (const BadPattern&) {
    return std::nullopt;
  }
}

}  // namespace sluice::render
