#include "core/image_reference.h"

#include <algorithm>
#include <array>

#include "core/error.h"

namespace sluice {
namespace {

constexpr std::size_t kMaxNameLength = 255;
constexpr std::size_t kMaxTagLength = 128;
constexpr std::string_view kDockerHub = "docker.io";

bool is_lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
bool is_alnum(char c) {
  return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}
bool is_word(char c) {
  return is_alnum(c) || c == '_';
}
bool is_lower_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

// component = [a-z0-9]+ ((\.|_|__|-+) [a-z0-9]+)*
bool valid_path_component(std::string_view text) {
  std::size_t i = 0;
  const auto alnum_run = [&] {
    const std::size_t start = i;
    while (i < text.size() && is_lower_alnum(text[i])) ++i;
    return i > start;
  };
  if (!alnum_run()) return false;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '.') {
      ++i;
    } else if (c == '_') {
      ++i;
      if (i < text.size() && text[i] == '_') ++i;
    } else if (c == '-') {
      while (i < text.size() && text[i] == '-') ++i;
    } else {
      return false;
    }
    if (!alnum_run()) return false;
  }
  return true;
}

// host label = [A-Za-z0-9] | [A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]
bool valid_host_label(std::string_view text) {
  if (text.empty() || !is_alnum(text.front()) || !is_alnum(text.back())) return false;
  return std::all_of(text.begin(), text.end(), [](char c) { return is_alnum(c) || c == '-'; });
}

bool valid_domain(std::string_view text) {
  const std::size_t colon = text.find(':');
  std::string_view host = text.substr(0, colon);
  if (colon != std::string_view::npos) {
    const std::string_view port = text.substr(colon + 1);
    if (port.empty() ||
        !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return false;
    }
  }
  while (true) {
    const std::size_t dot = host.find('.');
    if (!valid_host_label(host.substr(0, dot))) return false;
    if (dot == std::string_view::npos) return true;
    host.remove_prefix(dot + 1);
  }
}

bool valid_tag(std::string_view text) {
  if (text.empty() || text.size() > kMaxTagLength || !is_word(text.front())) return false;
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return is_word(c) || c == '.' || c == '-'; });
}

std::string digest_problem(std::string_view text) {
  struct Algorithm {
    std::string_view name;
    std::size_t hex_digits;
  };
  constexpr std::array<Algorithm, 3> kAlgorithms{{{"sha256", 64}, {"sha384", 96}, {"sha512", 128}}};
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos)
    return "digest \"" + std::string(text) + "\" lacks \"algorithm:\"";
  const std::string_view algorithm = text.substr(0, colon);
  const std::string_view encoded = text.substr(colon + 1);
  for (const Algorithm& known : kAlgorithms) {
    if (known.name != algorithm) continue;
    if (encoded.size() != known.hex_digits ||
        !std::all_of(encoded.begin(), encoded.end(), is_lower_hex)) {
      return std::string(algorithm) + " digest must be " + std::to_string(known.hex_digits) +
             " lower-case hex digits";
    }
    return {};
  }
  return "unsupported digest algorithm \"" + std::string(algorithm) + "\"";
}

// distribution/reference's splitDockerDomain.
bool looks_like_domain(std::string_view first) {
  return first.find_first_of(".:") != std::string_view::npos || first == "localhost" ||
         std::any_of(first.begin(), first.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

}  // namespace

std::string ImageReference::to_string() const {
  std::string text = name();
  if (!tag.empty()) text += ":" + tag;
  if (!digest.empty()) text += "@" + digest;
  return text;
}

bool is_digest(std::string_view text) {
  return digest_problem(text).empty();
}

ImageReference parse_image_reference(std::string_view text) {
  const auto fail = [&](const std::string& why) -> Error {
    return invalid_argument("invalid image reference \"" + std::string(text.substr(0, 300)) +
                            "\": " + why);
  };
  if (text.empty()) throw fail("empty");
  if (text.size() > kMaxNameLength + kMaxTagLength + 140) throw fail("too long");
  ImageReference reference;
  std::string_view name = text;
  if (const std::size_t at = name.find('@'); at != std::string_view::npos) {
    reference.digest = std::string(name.substr(at + 1));
    if (const std::string problem = digest_problem(reference.digest); !problem.empty()) {
      throw fail(problem);
    }
    name = name.substr(0, at);
  }
  const std::size_t last_slash = name.rfind('/');
  const std::size_t colon = name.rfind(':');
  if (colon != std::string_view::npos &&
      (last_slash == std::string_view::npos || colon > last_slash)) {
    reference.tag = std::string(name.substr(colon + 1));
    if (!valid_tag(reference.tag)) throw fail("invalid tag \"" + reference.tag + "\"");
    name = name.substr(0, colon);
  }
  if (name.empty()) throw fail("no repository name");

  std::string_view remainder = name;
  const std::size_t slash = name.find('/');
  if (slash != std::string_view::npos && looks_like_domain(name.substr(0, slash))) {
    reference.domain = std::string(name.substr(0, slash));
    remainder = name.substr(slash + 1);
    if (!valid_domain(reference.domain))
      throw fail("invalid registry \"" + reference.domain + "\"");
  } else {
    reference.domain = kDockerHub;
  }
  if (reference.domain == "index.docker.io") reference.domain = kDockerHub;
  if (remainder.size() == 64 && std::all_of(remainder.begin(), remainder.end(), is_lower_hex)) {
    throw fail("a 64-digit hexadecimal string is an image id, not a repository name");
  }
  if (std::any_of(remainder.begin(), remainder.end(),
                  [](char c) { return c >= 'A' && c <= 'Z'; })) {
    throw fail("repository name must be lower-case");
  }
  for (std::string_view rest = remainder;;) {
    const std::size_t next = rest.find('/');
    if (!valid_path_component(rest.substr(0, next))) {
      throw fail("invalid path component \"" + std::string(rest.substr(0, next)) + "\"");
    }
    if (next == std::string_view::npos) break;
    rest.remove_prefix(next + 1);
  }
  reference.path = std::string(remainder);
  if (reference.domain == kDockerHub && reference.path.find('/') == std::string::npos) {
    reference.path = "library/" + reference.path;
  }
  if (reference.name().size() > kMaxNameLength) {
    throw fail("repository name longer than " + std::to_string(kMaxNameLength) + " characters");
  }
  if (!reference.digest.empty()) {
    reference.tag.clear();
  } else if (reference.tag.empty()) {
    reference.tag = "latest";
  }
  return reference;
}

}  // namespace sluice
