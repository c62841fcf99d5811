// allowed_signers text: every line parsed (malformed_lines) and a lookup for a fixed key.
#include "fuzz_support.h"
#include "verify/allowed_signers.h"

namespace {
const sluice::verify::SshPublicKey& fixed_key() {
  static const auto key = sluice::verify::SshPublicKey::from_text(
      "ssh-ed25519", "AAAAC3NzaC1lZDI1NTE5AAAAII0iPtR+zd03mpiYoh9hjqLgC4sXBvZanuugDS0RrJ64",
      sluice::ErrorCode::kInternal);
  return key;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  sluice::fuzz::refusals_allowed([&] {
    const sluice::verify::AllowedSigners signers(std::string(sluice::fuzz::as_text(data, size)),
                                                 "fuzz");
    (void)signers.malformed_lines();
    for (const std::string& principal : signers.find_principals(fixed_key(), 1717243200)) {
      (void)signers.allows(fixed_key(), principal, "git", 1717243200);
    }
  });
  return 0;
}
