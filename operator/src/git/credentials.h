#pragma once

// Credentials for a Git source, from the keys of a Kubernetes Secret (`username`, `password`,
// `bearerToken`, `identity`, `known_hosts`, `ca.crt`). `sluice pull --secret-dir DIR` reads the
// same keys from files named after them. Values are secrets: never log them.

#include <filesystem>
#include <optional>
#include <string>

namespace sluice::git {

struct Credentials {
  std::optional<std::string> username;      // https basic auth, or the ssh user
  std::optional<std::string> password;      // https basic auth
  std::optional<std::string> bearer_token;  // https: "Authorization: Bearer <token>"
  std::optional<std::string> identity;      // ssh: private key (PEM / OpenSSH format)
  std::optional<std::string> known_hosts;   // ssh: known_hosts lines; required for ssh
  std::optional<std::string> ca_cert;       // https: PEM CA certificate(s)
};

// Reads the files of `dir` named after the Secret keys; a missing file leaves its field empty,
// other files are ignored. `username` and `bearerToken` lose one trailing newline (as files
// written with `echo` carry one). Throws Error(kNotFound) when `dir` is not a directory and
// Error(kResourceExhausted) for a file over 1 MiB.
Credentials read_credentials(const std::filesystem::path& dir);

}  // namespace sluice::git
