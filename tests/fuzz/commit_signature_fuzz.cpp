// Raw commit and tag objects split into signature and payload.
#include "fuzz_support.h"
#include "git/signature.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = sluice::fuzz::as_text(data, size);
  sluice::fuzz::refusals_allowed([&] { (void)sluice::git::split_commit_signature(text); });
  (void)sluice::git::split_tag_signature(text);
  return 0;
}
