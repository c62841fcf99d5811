#include "render/envsubst_functions.h"

#include <algorithm>
#include <charconv>
#include <clocale>
#include <cwctype>
#include <optional>
#include <vector>

#include "core/go_unicode.h"
#include "render/glob_match.h"

// A port of drone/envsubst v1.0.3's funcs.go (see envsubst.h).
namespace sluice::render {
namespace {

using goyaml::decode_rune;

std::string join(const std::vector<std::string>& args) {
  std::string out;
  for (const std::string& arg : args) out += arg;
  return out;
}

// Go's strconv.Atoi.
std::optional<long long> atoi(std::string_view text) {
  if (text.starts_with("+") && !text.starts_with("+-")) text.remove_prefix(1);
  long long value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return {};
  return value;
}

std::string substring(const std::string& s, const std::vector<std::string>& args) {
  const auto pos_arg = atoi(args.at(0));
  if (!pos_arg) return s;
  const auto size = static_cast<long long>(s.size());
  long long pos = *pos_arg;
  if (pos < 0) pos = std::max(0LL, size + pos);
  if (args.size() == 1) return pos < size ? s.substr(static_cast<std::size_t>(pos)) : "";
  const auto length = atoi(args[1]);
  if (!length) return s;
  long long end = 0;
  if (__builtin_add_overflow(pos, *length, &end) || end >= size)
    return pos < size ? s.substr(static_cast<std::size_t>(pos)) : "";
  return s.substr(static_cast<std::size_t>(pos), static_cast<std::size_t>(*length));
}

// Go's strings.Replace(s, old, replacement, limit), limit < 0 meaning all.
std::string replace(const std::string& s, const std::string& old, const std::string& replacement,
                    int limit) {
  std::string out;
  std::size_t at = 0;
  for (int done = 0; limit < 0 || done < limit; ++done) {
    std::size_t found = 0;
    if (old.empty()) {
      // An empty `old` matches before each rune and at the end.
      if (done > 0) {
        if (at >= s.size()) break;
        const std::size_t width = decode_rune(std::string_view(s).substr(at)).size;
        out.append(s, at, width);
        at += width;
      }
      found = at;
    } else {
      found = s.find(old, at);
      if (found == std::string::npos) break;
      out.append(s, at, found - at);
    }
    out += replacement;
    at = found + old.size();
  }
  out.append(s, std::min(at, s.size()), std::string::npos);
  return out;
}

// Go's []rune reversal: bad UTF-8 bytes come back as U+FFFD.
std::string reverse_runes(std::string_view s) {
  std::vector<char32_t> runes;
  while (!s.empty()) {
    const goyaml::DecodedRune decoded = decode_rune(s);
    runes.push_back(decoded.rune);
    s.remove_prefix(decoded.size);
  }
  std::string out;
  for (auto it = runes.rbegin(); it != runes.rend(); ++it) goyaml::append_rune(out, *it);
  return out;
}

std::string trim_prefix(const std::string& s, bool longest, const std::string& pattern) {
  std::string shortest;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const std::string prefix = s.substr(0, s.size() - i);
    const std::optional<bool> matched = glob_match(pattern, prefix);
    if (!matched) return s;
    if (*matched && longest) return s.substr(prefix.size());
    if (*matched) shortest = prefix;
  }
  return shortest.empty() ? s : s.substr(shortest.size());
}

// Go's unicode.ToUpper/ToLower through strings.Map: rune by rune (simple case mapping, here
// from glibc's C.UTF-8 tables), bad UTF-8 bytes becoming U+FFFD. With `first_only`, only the
// first rune is mapped and the rest of the bytes are kept as they are (toUpperFirst).
std::string map_case(std::string_view s, bool upper, bool first_only) {
  static const locale_t utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", locale_t{});
  std::string out;
  while (!s.empty()) {
    const goyaml::DecodedRune decoded = decode_rune(s);
    s.remove_prefix(decoded.size);
    const auto wide = static_cast<wint_t>(decoded.rune);
    wint_t mapped = wide;
    if (utf8 != locale_t{}) mapped = upper ? towupper_l(wide, utf8) : towlower_l(wide, utf8);
    goyaml::append_rune(out, static_cast<char32_t>(mapped));
    if (first_only) {
      out += s;
      break;
    }
  }
  return out;
}

}  // namespace

std::string apply_function(const std::string& name, const std::string& value,
                           const std::vector<std::string>& args) {
  if (name == ",") return map_case(value, false, true);
  if (name == ",,") return map_case(value, false, false);
  if (name == "^") return map_case(value, true, true);
  if (name == "^^") return map_case(value, true, false);
  if (name == "#" && args.empty()) return std::to_string(value.size());
  if (name == "#" || name == "##") return trim_prefix(value, name == "##", args.at(0));
  if (name == "%" || name == "%%") {
    return reverse_runes(trim_prefix(reverse_runes(value), name == "%%", reverse_runes(args[0])));
  }
  if (name == ":") return substring(value, args);
  if (name == "/" || name == "//" || name == "/#" || name == "/%") {
    if (args.empty()) return value;
    const std::string& old = args[0];
    const std::string replacement = args.size() > 1 ? args[1] : "";
    if (name == "/") return replace(value, old, replacement, 1);
    if (name == "//") return replace(value, old, replacement, -1);
    if (args.size() != 2) return value;
    if (name == "/#") return value.starts_with(old) ? replace(value, old, replacement, 1) : value;
    if (!value.ends_with(old)) return value;
    return value.substr(0, value.size() - old.size()) + replacement;
  }
  // The default family, and a bare ${VAR}.
  return value.empty() && !args.empty() ? join(args) : value;
}

}  // namespace sluice::render
