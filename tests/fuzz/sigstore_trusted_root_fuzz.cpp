// trusted_root.json parsing (keys, certificate chains, validity windows).
#include "fuzz_support.h"
#include "verify/sigstore/trusted_root.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  sluice::fuzz::refusals_allowed([&] {
    const auto root =
        sluice::verify::sigstore::parse_trusted_root(sluice::fuzz::as_text(data, size));
    for (const auto& log : root.tlogs) static_cast<void>(log.host());
  });
  return 0;
}
