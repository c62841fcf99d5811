#include "render/transformers/annotations.h"

#include "render/field_spec.h"
#include "render/transformers/labels.h"

namespace sluice::render::transformers {

// kustomize v5.5's commonAnnotations field specs (builtinpluginconsts/commonannotations.go).
const std::vector<FieldSpec>& annotation_field_specs() {
  static const std::vector<FieldSpec> specs = {
      {"", "", "", "metadata/annotations", true},
      {"", "v1", "ReplicationController", "spec/template/metadata/annotations", true},
      {"", "", "Deployment", "spec/template/metadata/annotations", true},
      {"", "", "ReplicaSet", "spec/template/metadata/annotations", true},
      {"", "", "DaemonSet", "spec/template/metadata/annotations", true},
      {"", "", "StatefulSet", "spec/template/metadata/annotations", true},
      {"batch", "", "Job", "spec/template/metadata/annotations", true},
      {"batch", "", "CronJob", "spec/jobTemplate/metadata/annotations", true},
      {"batch", "", "CronJob", "spec/jobTemplate/spec/template/metadata/annotations", true},
  };
  return specs;
}

void add_common_annotations(std::vector<Object>& objects, const StringMap& annotations,
                            const std::vector<FieldSpec>& specs) {
  add_to_maps(objects, annotations, specs);
}

}  // namespace sluice::render::transformers
