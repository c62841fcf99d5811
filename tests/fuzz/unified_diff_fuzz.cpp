// core/unified_diff.h on two texts: the input split at its first NUL byte (no NUL: the input
// against itself with its halves swapped). The diff must apply: a changed pair gives a
// non-empty diff, an equal pair an empty one.
#include <cstdlib>
#include <string>

#include "core/unified_diff.h"
#include "fuzz_support.h"

// libFuzzer's entry point, named by libFuzzer.
// NOLINTNEXTLINE(readability-identifier-naming)
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input = sluice::fuzz::as_text(data, size);
  std::string before;
  std::string after;
  if (const std::size_t nul = input.find('\0'); nul != std::string_view::npos) {
    before = input.substr(0, nul);
    after = input.substr(nul + 1);
  } else {
    before = input;
    after = std::string(input.substr(size / 2)) + std::string(input.substr(0, size / 2));
  }
  sluice::fuzz::refusals_allowed([&] {
    const std::string diff = sluice::unified_diff(before, after);
    if (diff.empty() != (before == after)) std::abort();  // a finding: the diff lost a change
  });
  return 0;
}
