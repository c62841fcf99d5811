// The gitsign CMS reader (armor, DER, SignerInfo attributes), then the signature check over a
// fixed payload and the embedded log entry's protobuf reader.
#include "fuzz_support.h"
#include "verify/gitsign_cms.h"
#include "verify/rekor_proto.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  sluice::fuzz::refusals_allowed([&] {
    const auto signature = sluice::verify::parse_cms_signature(sluice::fuzz::as_text(data, size));
    if (signature.tlog_entry) sluice::verify::parse_tlog_entry_proto(*signature.tlog_entry);
    sluice::verify::verify_cms_signature(signature, "tree 0\n\nhello, sluice\n");
  });
  return 0;
}
