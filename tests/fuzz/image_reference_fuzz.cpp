// Image references and image globs (policy/): the input is read as a reference and as a glob,
// and a glob that parses is matched against the reference's name and against the input.
#include "core/image_reference.h"
#include "fuzz_support.h"
#include "policy/image_glob.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = sluice::fuzz::as_text(data, size);
  std::string name = "docker.io/library/nginx";
  sluice::fuzz::refusals_allowed([&] {
    const sluice::ImageReference reference = sluice::parse_image_reference(text);
    name = reference.name();
    (void)sluice::parse_image_reference(reference.to_string());
  });
  sluice::fuzz::refusals_allowed([&] {
    const sluice::policy::ImageGlob glob = sluice::policy::ImageGlob::parse(text);
    (void)glob.matches(name);
    (void)glob.matches(text);
    (void)sluice::policy::ImageGlob::parse(glob.normalised());
  });
  return 0;
}
