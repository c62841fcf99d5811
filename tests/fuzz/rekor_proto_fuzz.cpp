// The TransparencyLogEntry protobuf reader gitsign signatures embed.
#include "fuzz_support.h"
#include "verify/rekor_proto.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  sluice::fuzz::refusals_allowed(
      [&] { sluice::verify::parse_tlog_entry_proto(sluice::fuzz::as_text(data, size)); });
  return 0;
}
