#pragma once
// SSH public keys as OpenSSH encodes them (RFC 4253 section 6.6, RFC 5656, RFC 8709), and
// checking the SSH signatures they make (RFC 8332 for RSA with SHA-2).
//
// Supported: ssh-ed25519, ecdsa-sha2-nistp256/384/521 and ssh-rsa keys (at least 1024 bits,
// OpenSSH's floor). Security-key (sk-*), certificate (*-cert-v01@openssh.com) and DSA keys are
// refused with kUnimplemented and a message that says so, never silently accepted.

#include <memory>
#include <string>
#include <string_view>

#include "core/error.h"

struct evp_pkey_st;  // OpenSSL's EVP_PKEY

namespace sluice::verify {

enum class SshKeyType { kEd25519, kEcdsaP256, kEcdsaP384, kEcdsaP521, kRsa };

class SshPublicKey {
 public:
  // From the wire blob (string key-type, then the type's fields). Malformed input throws an
  // Error with `code` (kVerificationFailed when the blob came inside a signature,
  // kInvalidArgument when it came from configuration).
  static SshPublicKey from_blob(std::string_view blob, ErrorCode code);
  // From the "<key-type> <base64 blob>" text of authorized_keys/allowed_signers lines (what
  // follows the blob, a comment, is ignored by the caller). The named type must be the blob's.
  static SshPublicKey from_text(std::string_view type_name, std::string_view base64_blob,
                                ErrorCode code);

  SshKeyType type() const noexcept { return type_; }
  // "ssh-ed25519", "ecdsa-sha2-nistp256", ..., "ssh-rsa".
  std::string_view type_name() const noexcept;
  // As ssh-keygen prints it: "ED25519", "ECDSA", "RSA".
  std::string_view display_type() const noexcept;
  const std::string& blob() const noexcept { return blob_; }
  // "SHA256:<unpadded base64 of SHA-256(blob)>", ssh-keygen's default fingerprint.
  std::string fingerprint() const;

  // Same key material (OpenSSH's sshkey_equal).
  bool same_key(const SshPublicKey& other) const;

  // Checks an SSH signature blob (string algorithm, string signature-bytes) by this key over
  // `data`. False for a signature that does not verify; a signature blob that is malformed, or
  // whose algorithm does not belong to this key type, throws kVerificationFailed. RSA
  // signatures must be rsa-sha2-256 or rsa-sha2-512 (SHA-1 "ssh-rsa" is refused, as SSHSIG
  // refuses it).
  bool verify(std::string_view signature_blob, std::string_view data) const;

 private:
  SshPublicKey(SshKeyType type, std::string blob, std::shared_ptr<evp_pkey_st> key)
      : type_(type), blob_(std::move(blob)), key_(std::move(key)) {}

  SshKeyType type_;
  std::string blob_;
  std::shared_ptr<evp_pkey_st> key_;  // immutable once built, so copies share it
};

}  // namespace sluice::verify
