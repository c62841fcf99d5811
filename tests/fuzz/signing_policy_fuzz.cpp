// SigningPolicy objects (policy/signing_policy.h): YAML read into an object, then parsed and
// loaded; a loaded policy's match is tried on a fixed Application. Input that is not a whole
// SigningPolicy is also tried as its spec, so mutations reach the field parsers directly.
#include "core/object.h"
#include "core/yaml_reader.h"
#include "fuzz_support.h"
#include "policy/signing_policy.h"

namespace {

void load_and_parse(const sluice::Object& object) {
  const sluice::policy::LoadedPolicy loaded = sluice::policy::load_signing_policy(object);
  const sluice::Object application(
      sluice::Json{{"metadata", {{"namespace", "shop"}, {"labels", {{"tier", "prod"}}}}}});
  if (loaded.match) (void)loaded.match->matches(application);
  (void)sluice::policy::parse_signing_policy(object);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  sluice::fuzz::refusals_allowed([&] {
    sluice::Json json = sluice::parse_yaml(sluice::fuzz::as_text(data, size));
    if (!json.is_object()) return;
    if (!json.contains("apiVersion")) {
      sluice::Json wrapped{{"apiVersion", "sluice.dev/v1alpha1"},
                           {"kind", "SigningPolicy"},
                           {"metadata", {{"name", "fuzz"}}},
                           {"spec", json}};
      sluice::fuzz::refusals_allowed([&] { load_and_parse(sluice::Object(std::move(wrapped))); });
    }
    load_and_parse(sluice::Object(std::move(json)));
  });
  return 0;
}
