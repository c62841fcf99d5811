// SigningPolicy objects (policy/signing_policy.h): YAML read into an object, then parsed and
// loaded; a loaded policy's match is tried on a fixed Application.
#include "core/object.h"
#include "core/yaml_reader.h"
#include "fuzz_support.h"
#include "policy/signing_policy.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  sluice::fuzz::refusals_allowed([&] {
    sluice::Json json = sluice::parse_yaml(sluice::fuzz::as_text(data, size));
    if (!json.is_object()) return;
    const sluice::Object object(std::move(json));
    const sluice::policy::LoadedPolicy loaded = sluice::policy::load_signing_policy(object);
    const sluice::Object application(
        sluice::Json{{"metadata", {{"namespace", "shop"}, {"labels", {{"tier", "prod"}}}}}});
    if (loaded.match) (void)loaded.match->matches(application);
    (void)sluice::policy::parse_signing_policy(object);
  });
  return 0;
}
