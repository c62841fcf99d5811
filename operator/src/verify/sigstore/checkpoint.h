#pragma once
// Transparency-log checkpoints (C2SP tlog-checkpoint) in signed-note form (C2SP signed-note):
//
//   <origin>\n<tree size, decimal>\n<root hash, base64>\n[<extension line>\n...]
//   \n
//   — <signer name> <base64(4-byte key hint || signature)>\n   (one or more)
//
// The signature covers the text up to and including the newline before the blank line. Rekor
// v1 logs sign with ECDSA P-256 (ASN.1 signature over SHA-256 of the text), Rekor v2 logs with
// Ed25519. Witness cosignatures and other unknown lines are kept and ignored by verification.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <openssl/evp.h>

namespace sluice::verify::sigstore {

struct NoteSignature {
  std::string name;
  std::string key_hint;  // 4 bytes
  std::string signature;
};

struct Checkpoint {
  std::string origin;
  std::uint64_t tree_size = 0;
  std::string root_hash;  // 32 bytes
  std::vector<std::string> extensions;
  std::string signed_text;
  std::vector<NoteSignature> signatures;
};

inline constexpr std::size_t kMaxCheckpointBytes = std::size_t{64} * 1024;

// Parses a checkpoint note; malformed input throws kVerificationFailed saying which part.
Checkpoint parse_checkpoint(std::string_view note);

// True when some signature line by `signer_name` with `key_hint` verifies under `key`; other
// lines (witness cosignatures, unknown keys) are ignored. How Rekor v2 checkpoints (C2SP
// signed notes) are checked.
bool checkpoint_signed_by(const Checkpoint& checkpoint, std::string_view signer_name,
                          std::string_view key_hint, EVP_PKEY* key);

// True when every signature line carries `key_hint` and verifies under `key` (names are not
// looked at). How Rekor v1 checks its signed tree heads, whose origin is "<host> - <tree id>".
bool checkpoint_signed_only_by(const Checkpoint& checkpoint, std::string_view key_hint,
                               EVP_PKEY* key);

// A Rekor v1 signed tree head: origin "<anything> - <decimal tree id>".
bool is_rekor_v1_checkpoint(const Checkpoint& checkpoint);

}  // namespace sluice::verify::sigstore
