// Checkpoint (signed note) parsing, then signer matching with a fixed key.
#include <openssl/evp.h>

#include "fuzz_support.h"
#include "verify/sigstore/checkpoint.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace sigstore = sluice::verify::sigstore;
  static EVP_PKEY* const key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  sluice::fuzz::refusals_allowed([&] {
    const sigstore::Checkpoint checkpoint =
        sigstore::parse_checkpoint(sluice::fuzz::as_text(data, size));
    static_cast<void>(sigstore::is_rekor_v1_checkpoint(checkpoint));
    static_cast<void>(sigstore::checkpoint_signed_by(checkpoint, checkpoint.origin, "abcd", key));
    static_cast<void>(sigstore::checkpoint_signed_only_by(checkpoint, "abcd", key));
  });
  return 0;
}
