#include "verify/oci/image_reference.h"

#include "core/error.h"

namespace sluice::verify::oci {
namespace {

constexpr std::string_view kDockerHub = "docker.io";
constexpr std::size_t kMaxReferenceLength = 4096;

bool is_lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool is_hex(std::string_view text) {
  return !text.empty() && text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

// [a-z0-9]+ ((\.|_|__|-+) [a-z0-9]+)*
bool is_path_component(std::string_view part) {
  if (part.empty() || !is_lower_alnum(part.front()) || !is_lower_alnum(part.back())) return false;
  for (std::size_t i = 0; i < part.size();) {
    if (is_lower_alnum(part[i])) {
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < part.size() && !is_lower_alnum(part[end])) ++end;
    const std::string_view separator = part.substr(i, end - i);
    const bool dashes = separator.find_first_not_of('-') == std::string_view::npos;
    if (separator != "." && separator != "_" && separator != "__" && !dashes) return false;
    i = end;
  }
  return true;
}

bool is_tag(std::string_view tag) {
  if (tag.empty() || tag.size() > 128) return false;
  for (std::size_t i = 0; i < tag.size(); ++i) {
    const char c = tag[i];
    const bool word =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!word && (i == 0 || (c != '.' && c != '-'))) return false;
  }
  return true;
}

bool is_port(std::string_view port) {
  return !port.empty() && port.size() <= 5 &&
         port.find_first_not_of("0123456789") == std::string_view::npos;
}

// host[:port], the host being letters, digits, '-' and '.', or a bracketed IPv6 address.
bool is_registry(std::string_view registry) {
  if (registry.starts_with('[')) {
    const std::size_t close = registry.find(']');
    if (close == std::string_view::npos || close < 2) return false;
    const std::string_view after = registry.substr(close + 1);
    return after.empty() || (after.front() == ':' && is_port(after.substr(1)));
  }
  std::string_view host = registry;
  if (const std::size_t colon = registry.find(':'); colon != std::string_view::npos) {
    if (!is_port(registry.substr(colon + 1))) return false;
    host = registry.substr(0, colon);
  }
  if (host.empty()) return false;
  for (const char c : host) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

[[noreturn]] void fail(std::string_view text, const std::string& problem) {
  throw invalid_argument("invalid image reference \"" + std::string(text.substr(0, 200)) +
                         "\": " + problem);
}

}  // namespace

bool is_digest(std::string_view text) {
  if (text.starts_with("sha256:")) return text.size() == 7 + 64 && is_hex(text.substr(7));
  if (text.starts_with("sha512:")) return text.size() == 7 + 128 && is_hex(text.substr(7));
  return false;
}

ImageReference ImageReference::parse(std::string_view text) {
  if (text.empty()) fail(text, "empty");
  if (text.size() > kMaxReferenceLength) fail(text, "too long");
  ImageReference ref;
  std::string_view rest = text;
  if (const std::size_t at = rest.find('@'); at != std::string_view::npos) {
    const std::string_view digest = rest.substr(at + 1);
    if (!is_digest(digest)) fail(text, "bad digest \"" + std::string(digest) + "\"");
    ref.digest = std::string(digest);
    rest = rest.substr(0, at);
  }
  const std::size_t last_slash = rest.rfind('/');
  if (const std::size_t colon = rest.rfind(':');
      colon != std::string_view::npos &&
      (last_slash == std::string_view::npos || colon > last_slash)) {
    const std::string_view tag = rest.substr(colon + 1);
    if (!is_tag(tag)) fail(text, "bad tag \"" + std::string(tag) + "\"");
    ref.tag = std::string(tag);
    rest = rest.substr(0, colon);
  }
  const std::size_t first_slash = rest.find('/');
  const std::string_view first = rest.substr(0, first_slash);
  if (first_slash != std::string_view::npos &&
      (first.find_first_of(".:") != std::string_view::npos || first == "localhost")) {
    if (!is_registry(first)) fail(text, "bad registry \"" + std::string(first) + "\"");
    ref.registry = std::string(first);
    rest = rest.substr(first_slash + 1);
  } else {
    ref.registry = std::string(kDockerHub);
  }
  if (rest.empty()) fail(text, "no repository");
  for (std::size_t at = 0; at <= rest.size();) {
    const std::size_t slash = std::min(rest.find('/', at), rest.size());
    if (!is_path_component(rest.substr(at, slash - at))) {
      fail(text, "bad repository path \"" + std::string(rest) + "\"");
    }
    at = slash + 1;
  }
  ref.repository = std::string(rest);
  if (ref.registry == kDockerHub && ref.repository.find('/') == std::string::npos) {
    ref.repository = "library/" + ref.repository;
  }
  return ref;
}

std::string ImageReference::name() const {
  return registry + "/" + repository;
}

std::string ImageReference::to_string() const {
  std::string text = name();
  if (tag) text += ":" + *tag;
  if (digest) text += "@" + *digest;
  return text;
}

std::string ImageReference::manifest_reference() const {
  if (digest) return *digest;
  return tag ? *tag : "latest";
}

std::string ImageReference::api_host() const {
  return registry == kDockerHub ? "registry-1.docker.io" : registry;
}

}  // namespace sluice::verify::oci
