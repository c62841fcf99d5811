// The YAML reader (core/yaml_reader.h) under its default limits, with both schemas: go-yaml v3
// for resources, v2 for kustomization files and JSON 6902 patch texts. Each parsed document is
// also dumped, as the renderer's output and hashing do.
#include "core/yaml_reader.h"
#include "fuzz_support.h"

// libFuzzer's entry point, named by libFuzzer.
// NOLINTNEXTLINE(readability-identifier-naming)
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = sluice::fuzz::as_text(data, size);
  for (const sluice::YamlSchema schema :
       {sluice::YamlSchema::kGoYamlV3, sluice::YamlSchema::kGoYamlV2}) {
    sluice::fuzz::refusals_allowed([&] {
      for (const sluice::Json& document : sluice::parse_yaml_documents(text, {}, schema)) {
        (void)document.dump();
      }
    });
  }
  return 0;
}
