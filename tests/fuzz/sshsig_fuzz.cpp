// SSHSIG armor and blob parsing, then checking over a fixed message.
#include "fuzz_support.h"
#include "verify/sshsig.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  sluice::fuzz::refusals_allowed([&] {
    const auto signature = sluice::verify::parse_sshsig(sluice::fuzz::as_text(data, size));
    sluice::verify::verify_sshsig(signature, "hello, sluice\n", "git");
  });
  return 0;
}
