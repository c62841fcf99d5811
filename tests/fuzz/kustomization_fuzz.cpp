// kustomization.yaml (render/kustomization.h): the text of a kustomization file from a Git
// repository, parsed as the builder does (render/builder.cpp), within the builder's file limit.
#include "fuzz_support.h"
#include "render/file_system.h"
#include "render/kustomization.h"

// libFuzzer's entry point, named by libFuzzer.
// NOLINTNEXTLINE(readability-identifier-naming)
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // FileSystem::read_file refuses bigger files before they are parsed.
  if (size > sluice::render::kMaxFileBytes) return 0;
  sluice::fuzz::refusals_allowed(
      [&] { (void)sluice::render::parse_kustomization(sluice::fuzz::as_text(data, size)); });
  return 0;
}
