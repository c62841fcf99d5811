#include "verify/public_key.h"

#include "core/error.h"
#include "core/sha256.h"
#include "verify/sigstore/crypto.h"

namespace sluice::verify {

PublicKey PublicKey::from_pem(std::string_view pem, const std::string& what) {
  return PublicKey(sigstore::parse_public_key_pem(pem, ErrorCode::kInvalidArgument, what));
}

PublicKey PublicKey::from_handle(std::shared_ptr<evp_pkey_st> key) {
  if (!key) throw internal_error("PublicKey::from_handle needs a key");
  return PublicKey(std::move(key));
}

std::string PublicKey::description() const {
  return sigstore::describe_key(key_.get());
}

std::string PublicKey::fingerprint() const {
  return sha256_fingerprint(sigstore::public_key_der(key_.get()));
}

bool PublicKey::verify(std::string_view signature, std::string_view message) const {
  return sigstore::verify_message_signature(key_.get(), message, signature);
}

}  // namespace sluice::verify
