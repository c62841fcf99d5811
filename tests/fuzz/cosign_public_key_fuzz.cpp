// Cosign public keys (verify/public_key.h) as they come from a Secret (a SigningPolicy's
// cosign key `secretRef`): PEM text within a Secret's size limit. The input is the PEM up to
// the first NUL byte; what follows is tried as a signature over a fixed message with a key
// that loaded, so that each key type's verification sees malformed signatures.
#include "fuzz_support.h"
#include "verify/public_key.h"

namespace {
// The API server refuses Secrets over 1 MiB, so no key text is longer.
constexpr std::size_t kMaxSecretBytes = std::size_t{1024} * 1024;
}  // namespace

// libFuzzer's entry point, named by libFuzzer.
// NOLINTNEXTLINE(readability-identifier-naming)
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > kMaxSecretBytes) return 0;
  const std::string_view input = sluice::fuzz::as_text(data, size);
  const std::size_t nul = input.find('\0');
  const std::string_view pem = input.substr(0, nul);
  const std::string_view signature =
      nul == std::string_view::npos ? std::string_view() : input.substr(nul + 1);
  sluice::fuzz::refusals_allowed([&] {
    const auto key = sluice::verify::PublicKey::from_pem(pem, "secret shop/cosign key cosign.pub");
    (void)key.description();
    (void)key.fingerprint();
    (void)key.verify(signature, "the signed payload");
  });
  return 0;
}
