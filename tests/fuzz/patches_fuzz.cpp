// Patches (render/transformers/strategic_merge.h, patches.h, json_patch.h): the input is a
// `patches` body as kustomize reads it, applied to a small Deployment (schema-driven list
// merges) and a ConfigMap (no schema). A JSON 6902 body is parsed and applied as one; any
// other body is read as YAML and each document applied as a strategic merge patch, also with
// name and kind changes allowed.
#include <vector>

#include "core/object.h"
#include "core/yaml_reader.h"
#include "fuzz_support.h"
#include "render/file_system.h"
#include "render/transformers/patches.h"
#include "render/transformers/strategic_merge.h"

namespace {

using sluice::Json;
using sluice::Object;

std::vector<Object> small_objects() {
  return {
      Object(Json::parse(R"({"apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "shop", "labels": {"app": "web"},
                     "annotations": {"a": "1"}},
        "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
          "template": {"metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [
              {"name": "web", "image": "nginx:1.25", "ports": [{"containerPort": 80}],
               "env": [{"name": "A", "value": "1"}]},
              {"name": "sidecar", "image": "envoy", "args": ["-c", "x"]}],
              "volumes": [{"name": "data", "emptyDir": {}}]}}}})")),
      Object(Json::parse(R"({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "settings", "namespace": "shop"},
        "data": {"key": "value", "list": "[1, 2]"}})")),
  };
}

void apply_strategic_merge(const Json& patch_document) {
  if (!patch_document.is_object()) return;
  const Object patch{Json(patch_document)};
  for (const bool allow_changes : {false, true}) {
    std::vector<Object> objects = small_objects();
    const sluice::render::transformers::StrategicMergeOptions options{allow_changes, allow_changes};
    sluice::fuzz::refusals_allowed([&] {
      (void)sluice::render::transformers::apply_strategic_merge_patch_to(objects, {0, 1}, patch,
                                                                         options);
    });
  }
}

}  // namespace

// libFuzzer's entry point, named by libFuzzer.
// NOLINTNEXTLINE(readability-identifier-naming)
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Patch files are read through FileSystem::read_file, which refuses bigger ones.
  if (size > sluice::render::kMaxFileBytes) return 0;
  const std::string_view text = sluice::fuzz::as_text(data, size);
  sluice::fuzz::refusals_allowed([&] {
    if (sluice::render::transformers::is_json6902(text)) {
      const Json operations = sluice::render::transformers::parse_json6902(text);
      std::vector<Object> objects = small_objects();
      sluice::render::transformers::apply_json6902(objects, {0, 1}, operations);
      return;
    }
    for (const Json& document : sluice::parse_yaml_documents(text)) {
      apply_strategic_merge(document);
    }
  });
  return 0;
}
