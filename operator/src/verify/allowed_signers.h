#pragma once
// git's gpg.ssh.allowedSignersFile (ssh-keygen(1) "ALLOWED SIGNERS"): which keys may sign as
// which principals, in which namespaces, during which period.
//
// Lines are "principals [options] key-type base64-key [comment]"; principals is a
// comma-separated OpenSSH pattern list; options are cert-authority, namespaces="list",
// valid-after="time" and valid-before="time", where time is YYYYMMDD[HHMM[SS]] with an
// optional Z for UTC (without it, local time, as ssh-keygen reads it).
//
// The two questions ssh-keygen answers for git, with its exact semantics: lines are read in
// order, the first line that answers wins, and a malformed line is skipped (ssh-keygen prints
// an error for it and reads on; malformed_lines() lists them so callers can warn).
// cert-authority lines never match a plain key; certificates are not supported (see
// ssh_key.h).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "verify/ssh_key.h"

namespace sluice::verify {

class AllowedSigners {
 public:
  // `name` is used in error messages ("allowed_signers", a file path, "SigningPolicy x").
  AllowedSigners(std::string text, std::string name)
      : text_(std::move(text)), name_(std::move(name)) {}

  // `ssh-keygen -Y find-principals -Overify-time=T`: the principals of the first line holding
  // `key` that is valid at `verify_time` (namespaces are not considered), split at commas as
  // ssh-keygen prints them; empty when no line matches.
  std::vector<std::string> find_principals(const SshPublicKey& key, std::int64_t verify_time) const;

  // `ssh-keygen -Y verify -I principal -n namespace -Overify-time=T`'s key check: whether a
  // line listing `principal` (matched against its pattern list) holds `key`, permits
  // `signature_namespace` and is valid at `verify_time`.
  bool allows(const SshPublicKey& key, std::string_view principal,
              std::string_view signature_namespace, std::int64_t verify_time) const;

  // "<name>:<line>: <problem>" for every line ssh-keygen would skip as malformed.
  std::vector<std::string> malformed_lines() const;

 private:
  std::string text_;
  std::string name_;
};

// ssh-keygen's time syntax (see above) as seconds since the epoch; nullopt when malformed.
std::optional<std::int64_t> parse_ssh_absolute_time(std::string_view text);

}  // namespace sluice::verify
