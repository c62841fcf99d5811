#include "verify/public_key.h"

#include "core/base64.h"
#include "core/error.h"
#include "core/sha256.h"
#include "verify/sigstore/crypto.h"

namespace sluice::verify {

PublicKey PublicKey::from_pem(std::string_view pem, const std::string& what) {
  return PublicKey(sigstore::parse_public_key_pem(pem, ErrorCode::kInvalidArgument, what));
}

std::string PublicKey::description() const {
  return sigstore::describe_key(key_.get());
}

std::string PublicKey::fingerprint() const {
  Sha256 hash;
  hash.update(sigstore::public_key_der(key_.get()));
  std::string encoded = encode_base64(hash.finish_raw());
  while (encoded.ends_with('=')) encoded.pop_back();
  return "SHA256:" + encoded;
}

bool PublicKey::verify(std::string_view signature, std::string_view message) const {
  return sigstore::verify_message_signature(key_.get(), message, signature);
}

}  // namespace sluice::verify
