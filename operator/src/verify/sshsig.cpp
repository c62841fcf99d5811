#include "verify/sshsig.h"

#include <openssl/sha.h>

#include "core/base64.h"
#include "verify/ssh_wire.h"

namespace sluice::verify {
namespace {

constexpr std::string_view kMagic = "SSHSIG";
constexpr std::string_view kBegin = "-----BEGIN SSH SIGNATURE-----\n";
constexpr std::string_view kEnd = "\n-----END SSH SIGNATURE-----";
constexpr std::uint32_t kVersion = 1;
// Far above any real signature (an RSA-16384 one is ~4 KiB armored); bounds the work on junk.
constexpr std::size_t kMaxArmoredBytes = std::size_t{64} * 1024;

[[noreturn]] void reject(const std::string& reason) {
  throw Error(ErrorCode::kVerificationFailed, "SSH signature " + reason);
}

std::string digest(std::string_view algorithm, std::string_view message) {
  const auto* data = reinterpret_cast<const unsigned char*>(message.data());
  if (algorithm == "sha256") {
    std::string out(SHA256_DIGEST_LENGTH, '\0');
    SHA256(data, message.size(), reinterpret_cast<unsigned char*>(out.data()));
    return out;
  }
  std::string out(SHA512_DIGEST_LENGTH, '\0');
  SHA512(data, message.size(), reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

}  // namespace

SshSignature parse_sshsig(std::string_view armored) {
  if (armored.size() > kMaxArmoredBytes) reject("is too large");
  if (!armored.starts_with(kBegin)) reject("does not start with \"-----BEGIN SSH SIGNATURE-----\"");
  armored.remove_prefix(kBegin.size());
  const std::size_t end = armored.find(kEnd);
  if (end == std::string_view::npos) reject("has no \"-----END SSH SIGNATURE-----\" line");
  const auto blob = decode_base64(armored.substr(0, end), Base64Whitespace::kSkip);
  if (!blob) reject("is not valid base64");

  SshReader reader(*blob, "SSH signature", ErrorCode::kVerificationFailed);
  if (reader.raw(std::min(blob->size(), kMagic.size())) != kMagic) reject("lacks the SSHSIG magic");
  const std::uint32_t version = reader.u32();
  if (version > kVersion) {
    reject("version " + std::to_string(version) + " is newer than the supported version 1");
  }
  const std::string_view key_blob = reader.string();
  const std::string_view signature_namespace = reader.string();
  reader.string();  // reserved: read and ignored, as ssh-keygen does
  const std::string_view hash_algorithm = reader.string();
  const std::string_view signature = reader.string();
  reader.expect_end();
  if (hash_algorithm != "sha256" && hash_algorithm != "sha512") {
    reject("uses unsupported hash algorithm \"" + std::string(hash_algorithm) + "\"");
  }
  return SshSignature{version, SshPublicKey::from_blob(key_blob, ErrorCode::kVerificationFailed),
                      std::string(signature_namespace), std::string(hash_algorithm),
                      std::string(signature)};
}

void verify_sshsig(const SshSignature& signature, std::string_view message,
                   std::string_view expected_namespace) {
  if (signature.signature_namespace != expected_namespace) {
    reject("was made for namespace \"" + signature.signature_namespace + "\", not \"" +
           std::string(expected_namespace) + "\"");
  }
  std::string signed_data(kMagic);
  put_string(signed_data, expected_namespace);
  put_string(signed_data, "");  // reserved
  put_string(signed_data, signature.hash_algorithm);
  put_string(signed_data, digest(signature.hash_algorithm, message));
  if (!signature.key.verify(signature.signature, signed_data)) {
    reject("does not match the signed content (" + std::string(signature.key.display_type()) +
           " key " + signature.key.fingerprint() + ")");
  }
}

}  // namespace sluice::verify
