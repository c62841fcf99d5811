#include "verify/allowed_signers.h"

#include <ctime>
#include <functional>
#include <vector>

#include "core/openssh_pattern.h"

namespace sluice::verify {
namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

void skip_blanks(std::string_view& text) {
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
}

struct SignerOptions {
  bool cert_authority = false;
  std::optional<std::string> namespaces;
  std::int64_t valid_after = 0;  // 0: unset, as in OpenSSH
  std::int64_t valid_before = 0;
};

struct SignerLine {
  std::string principals;
  std::optional<SshPublicKey> key;  // unset when the line was skipped before parsing it
  SignerOptions options;
};

class LineParser {
 public:
  LineParser(const std::string& file, std::size_t number) : file_(file), number_(number) {}

  [[noreturn]] void fail(const std::string& problem) const {
    throw invalid_argument(file_ + ":" + std::to_string(number_) + ": " + problem);
  }

  // The first token: up to a blank, or a double-quoted string (quotes removed).
  std::string principals(std::string_view& rest) const {
    std::string token;
    if (rest.starts_with('"')) {
      const std::size_t close = rest.find('"', 1);
      if (close == std::string_view::npos) fail("unterminated quote");
      token = std::string(rest.substr(1, close - 1));
      rest.remove_prefix(close + 1);
    } else {
      std::size_t end = 0;
      while (end < rest.size() && !is_blank(rest[end])) ++end;
      token = std::string(rest.substr(0, end));
      rest.remove_prefix(end);
    }
    skip_blanks(rest);
    if (rest.empty()) fail("invalid line");
    return token;
  }

  // "key-type base64 [comment]", or nullopt when `text` does not start with a key type.
  std::optional<SshPublicKey> key(std::string_view text, bool must_be_key) const {
    std::size_t end = 0;
    while (end < text.size() && !is_blank(text[end])) ++end;
    const std::string_view type = text.substr(0, end);
    std::string_view rest = text.substr(end);
    skip_blanks(rest);
    std::size_t blob_end = 0;
    while (blob_end < rest.size() && !is_blank(rest[blob_end])) ++blob_end;
    try {
      return SshPublicKey::from_text(type, rest.substr(0, blob_end), ErrorCode::kInvalidArgument);
    } catch (const Error& e) {
      if (must_be_key) fail("invalid key: " + std::string(e.message()));
      return std::nullopt;
    }
  }

  // The options field: everything up to the first blank outside double quotes.
  static std::string_view take_options(std::string_view& rest) {
    bool quoted = false;
    std::size_t end = 0;
    for (; end < rest.size(); ++end) {
      if (rest[end] == '\\' && quoted && end + 1 < rest.size()) {
        ++end;
      } else if (rest[end] == '"') {
        quoted = !quoted;
      } else if (!quoted && is_blank(rest[end])) {
        break;
      }
    }
    const std::string_view options = rest.substr(0, end);
    rest.remove_prefix(end);
    skip_blanks(rest);
    return options;
  }

  static bool take_name(std::string_view& options, std::string_view name) {
    if (options.size() <= name.size() || options[name.size()] != '=') return false;
    for (std::size_t i = 0; i < name.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(options[i])) != name[i]) return false;
    }
    options.remove_prefix(name.size() + 1);
    return true;
  }

  std::string quoted_value(std::string_view& options) const {
    if (!options.starts_with('"')) fail("bad options: missing start quote");
    std::string value;
    std::size_t i = 1;
    for (; i < options.size() && options[i] != '"'; ++i) {
      if (options[i] == '\\' && i + 1 < options.size() && options[i + 1] == '"') ++i;
      value.push_back(options[i]);
    }
    if (i == options.size()) fail("bad options: missing end quote");
    options.remove_prefix(i + 1);
    return value;
  }

  std::int64_t time_value(std::string_view& options, std::string_view name) const {
    const std::optional<std::int64_t> time = parse_ssh_absolute_time(quoted_value(options));
    if (!time || *time == 0) fail("bad options: invalid \"" + std::string(name) + "\" time");
    return *time;
  }

  SignerOptions options(std::string_view text) const {
    SignerOptions parsed;
    while (!text.empty()) {
      if (text.size() >= 14 && (text.size() == 14 || text[14] == ',') &&
          std::equal(text.begin(), text.begin() + 14, "cert-authority", [](char a, char b) {
            return std::tolower(static_cast<unsigned char>(a)) == b;
          })) {
        parsed.cert_authority = true;
        text.remove_prefix(14);
      } else if (take_name(text, "namespaces")) {
        if (parsed.namespaces) fail("bad options: multiple \"namespaces\" clauses");
        parsed.namespaces = quoted_value(text);
      } else if (take_name(text, "valid-after")) {
        if (parsed.valid_after != 0) fail("bad options: multiple \"valid-after\" clauses");
        parsed.valid_after = time_value(text, "valid-after");
      } else if (take_name(text, "valid-before")) {
        if (parsed.valid_before != 0) fail("bad options: multiple \"valid-before\" clauses");
        parsed.valid_before = time_value(text, "valid-before");
      }
      if (text.empty()) break;
      if (text.front() != ',') fail("bad options: unknown key option");
      text.remove_prefix(1);
      if (text.empty()) fail("bad options: unexpected end-of-options");
    }
    if (parsed.valid_after != 0 && parsed.valid_before != 0 &&
        parsed.valid_before <= parsed.valid_after) {
      fail("bad options: \"valid-before\" time is before \"valid-after\"");
    }
    return parsed;
  }

  // nullopt for blank and comment lines, and (when `required_principal` is given) for lines
  // that do not list it, which ssh-keygen skips before parsing the rest.
  std::optional<SignerLine> parse(std::string_view line,
                                  const std::optional<std::string_view>& required_principal) const {
    skip_blanks(line);
    if (line.empty() || line.front() == '#') return std::nullopt;
    SignerLine parsed;
    parsed.principals = principals(line);
    if (required_principal && !match_openssh_pattern_list(parsed.principals, *required_principal)) {
      return std::nullopt;
    }
    parsed.key = key(line, /*must_be_key=*/false);
    if (!parsed.key) {
      const std::string_view option_text = take_options(line);
      if (line.empty()) fail("missing key");
      parsed.key = key(line, /*must_be_key=*/true);
      parsed.options = options(option_text);
    }
    return parsed;
  }

 private:
  const std::string& file_;
  std::size_t number_;
};

bool valid_at(const SignerOptions& options, std::int64_t verify_time) {
  if (options.valid_after != 0 && verify_time < options.valid_after) return false;
  if (options.valid_before != 0 && verify_time > options.valid_before) return false;
  return true;
}

// Calls `visit` on each well-formed line in order until it returns true; malformed ones go to
// `on_malformed` (and are otherwise skipped, as ssh-keygen skips them).
template <typename Visit>
bool for_each_line(const std::string& text, const std::string& name,
                   const std::optional<std::string_view>& required_principal, Visit visit,
                   const std::function<void(const Error&)>& on_malformed = {}) {
  std::size_t number = 0;
  std::string_view rest(text);
  while (!rest.empty()) {
    const std::size_t eol = rest.find('\n');
    std::string_view line = rest.substr(0, eol);
    rest.remove_prefix(eol == std::string_view::npos ? rest.size() : eol + 1);
    ++number;
    if (line.ends_with('\r')) line.remove_suffix(1);
    std::optional<SignerLine> parsed;
    try {
      parsed = LineParser(name, number).parse(line, required_principal);
    } catch (const Error& e) {
      if (on_malformed) on_malformed(e);
      continue;
    }
    if (parsed && visit(*parsed)) return true;
  }
  return false;
}

}  // namespace

std::vector<std::string> AllowedSigners::find_principals(const SshPublicKey& key,
                                                         std::int64_t verify_time) const {
  std::vector<std::string> found;
  for_each_line(text_, name_, std::nullopt, [&](const SignerLine& line) {
    if (line.options.cert_authority || !line.key->same_key(key)) return false;
    if (!valid_at(line.options, verify_time)) return false;
    // ssh-keygen prints the principals one per line, stopping at an empty one.
    std::string_view rest = line.principals;
    while (!rest.empty()) {
      const std::size_t comma = rest.find(',');
      const std::string_view principal = rest.substr(0, comma);
      if (principal.empty()) break;
      found.emplace_back(principal);
      rest.remove_prefix(comma == std::string_view::npos ? rest.size() : comma + 1);
    }
    return true;
  });
  return found;
}

std::vector<std::string> AllowedSigners::malformed_lines() const {
  std::vector<std::string> problems;
  for_each_line(
      text_, name_, std::nullopt, [](const SignerLine&) { return false; },
      [&problems](const Error& e) { problems.push_back(e.message()); });
  return problems;
}

bool AllowedSigners::allows(const SshPublicKey& key, std::string_view principal,
                            std::string_view signature_namespace, std::int64_t verify_time) const {
  return for_each_line(text_, name_, principal, [&](const SignerLine& line) {
    if (line.options.cert_authority || !line.key->same_key(key)) return false;
    if (line.options.namespaces &&
        !match_openssh_pattern_list(*line.options.namespaces, signature_namespace)) {
      return false;
    }
    return valid_at(line.options, verify_time);
  });
}

std::optional<std::int64_t> parse_ssh_absolute_time(std::string_view text) {
  bool utc = false;
  if (text.ends_with('Z') || text.ends_with('z')) {
    utc = true;
    text.remove_suffix(1);
  }
  if (text.size() != 8 && text.size() != 12 && text.size() != 14) return std::nullopt;
  std::vector<int> fields;
  for (std::size_t at = 0; at < text.size(); at += (at == 0 ? 4 : 2)) {
    const std::size_t width = at == 0 ? 4 : 2;
    int value = 0;
    for (std::size_t i = at; i < at + width; ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      value = value * 10 + (text[i] - '0');
    }
    fields.push_back(value);
  }
  std::tm tm{};
  tm.tm_year = fields[0] - 1900;
  tm.tm_mon = fields[1] - 1;
  tm.tm_mday = fields[2];
  tm.tm_hour = fields.size() > 3 ? fields[3] : 0;
  tm.tm_min = fields.size() > 4 ? fields[4] : 0;
  tm.tm_sec = fields.size() > 5 ? fields[5] : 0;
  // strptime's ranges, which ssh-keygen relies on.
  if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
      tm.tm_min > 59 || tm.tm_sec > 61) {
    return std::nullopt;
  }
  tm.tm_isdst = -1;
  const std::time_t seconds = utc ? timegm(&tm) : std::mktime(&tm);
  if (seconds == static_cast<std::time_t>(-1)) return std::nullopt;
  return static_cast<std::int64_t>(seconds);
}

}  // namespace sluice::verify
