// SSH public key blobs, and a signature check with whatever key they make.
#include "fuzz_support.h"
#include "verify/ssh_key.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = sluice::fuzz::as_text(data, size);
  sluice::fuzz::refusals_allowed([&] {
    const auto key =
        sluice::verify::SshPublicKey::from_blob(text, sluice::ErrorCode::kInvalidArgument);
    (void)key.fingerprint();
    (void)key.verify(text.substr(text.size() / 2), "data");
  });
  return 0;
}
