#include "git/credentials.h"

#include <fstream>
#include <system_error>

#include "core/error.h"

namespace sluice::git {
namespace {

constexpr std::uintmax_t kMaxSecretFile = std::uintmax_t{1024} * 1024U;

std::optional<std::string> read_key(const std::filesystem::path& dir, const char* key,
                                    bool trim_newline) {
  const std::filesystem::path path = dir / key;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return std::nullopt;
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) throw Error(ErrorCode::kUnavailable, "cannot read secret key " + std::string(key));
  if (size > kMaxSecretFile) {
    throw resource_exhausted("secret key " + std::string(key) + " is over 1 MiB");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::kUnavailable, "cannot read secret key " + std::string(key));
  std::string value(static_cast<std::size_t>(size), '\0');
  in.read(value.data(), static_cast<std::streamsize>(size));
  value.resize(static_cast<std::size_t>(in.gcount()));
  if (trim_newline) {
    if (value.ends_with("\r\n")) {
      value.resize(value.size() - 2);
    } else if (value.ends_with('\n')) {
      value.pop_back();
    }
  }
  return value;
}

}  // namespace

Credentials read_credentials(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    throw not_found("secret directory " + dir.string() + " does not exist");
  }
  Credentials credentials;
  credentials.username = read_key(dir, "username", true);
  credentials.password = read_key(dir, "password", true);
  credentials.bearer_token = read_key(dir, "bearerToken", true);
  credentials.identity = read_key(dir, "identity", false);
  credentials.known_hosts = read_key(dir, "known_hosts", false);
  credentials.ca_cert = read_key(dir, "ca.crt", false);
  return credentials;
}

}  // namespace sluice::git
