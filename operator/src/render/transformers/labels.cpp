#include "render/transformers/labels.h"

#include <array>

#include "core/error.h"
#include "render/field_spec.h"

namespace sluice::render::transformers {
namespace {

constexpr std::string_view kAffinity = "spec/template/spec/affinity/";
constexpr std::string_view kPodAffinityPreferred =
    "podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/"
    "matchLabels";
constexpr std::string_view kPodAffinityRequired =
    "podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels";
constexpr std::string_view kTopologySpread =
    "spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels";

std::string affinity(std::string_view anti, std::string_view rest) {
  // "podAffinity/..." or "podAntiAffinity/...".
  std::string path(kAffinity);
  path += anti.empty() ? std::string(rest) : "podAntiAffinity" + std::string(rest.substr(11));
  return path;
}

// kustomize v5.5's commonLabels field specs: commonlabels.go followed by metadatalabels.go.
std::vector<FieldSpec> make_specs() {
  std::vector<FieldSpec> specs = {
      {"", "v1", "Service", "spec/selector", true},
      {"", "v1", "ReplicationController", "spec/selector", true},
      {"", "", "Deployment", "spec/selector/matchLabels", true},
  };
  for (std::string_view kind : {"Deployment", "StatefulSet"}) {
    if (kind == "StatefulSet") {
      specs.push_back({"", "", "ReplicaSet", "spec/selector/matchLabels", true});
      specs.push_back({"", "", "DaemonSet", "spec/selector/matchLabels", true});
      specs.push_back({"apps", "", "StatefulSet", "spec/selector/matchLabels", true});
    }
    for (std::string_view anti : {"", "anti"}) {
      specs.push_back(
          {"apps", "", std::string(kind), affinity(anti, kPodAffinityPreferred), false});
      specs.push_back({"apps", "", std::string(kind), affinity(anti, kPodAffinityRequired), false});
    }
    specs.push_back({"apps", "", std::string(kind), std::string(kTopologySpread), false});
  }
  const std::vector<FieldSpec> rest = {
      {"batch", "", "Job", "spec/selector/matchLabels", false},
      {"batch", "", "CronJob", "spec/jobTemplate/spec/selector/matchLabels", false},
      {"policy", "", "PodDisruptionBudget", "spec/selector/matchLabels", false},
      {"networking.k8s.io", "", "NetworkPolicy", "spec/podSelector/matchLabels", false},
      {"networking.k8s.io", "", "NetworkPolicy", "spec/ingress/from/podSelector/matchLabels",
       false},
      {"networking.k8s.io", "", "NetworkPolicy", "spec/egress/to/podSelector/matchLabels", false},
      // metadatalabels.go
      {"", "", "", "metadata/labels", true},
      {"", "v1", "ReplicationController", "spec/template/metadata/labels", true},
      {"", "", "Deployment", "spec/template/metadata/labels", true},
      {"", "", "ReplicaSet", "spec/template/metadata/labels", true},
      {"", "", "DaemonSet", "spec/template/metadata/labels", true},
      {"apps", "", "StatefulSet", "spec/template/metadata/labels", true},
      {"apps", "", "StatefulSet", "spec/volumeClaimTemplates[]/metadata/labels", true},
      {"batch", "", "Job", "spec/template/metadata/labels", true},
      {"batch", "", "CronJob", "spec/jobTemplate/metadata/labels", true},
      {"batch", "", "CronJob", "spec/jobTemplate/spec/template/metadata/labels", true},
  };
  specs.insert(specs.end(), rest.begin(), rest.end());
  return specs;
}

}  // namespace

const std::vector<FieldSpec>& common_label_field_specs() {
  static const std::vector<FieldSpec> specs = make_specs();
  return specs;
}

void add_to_maps(std::vector<Object>& objects, const StringMap& values,
                 const std::vector<FieldSpec>& specs) {
  if (values.empty()) return;
  for (Object& object : objects) {
    const GroupVersionKind gvk = object.gvk();
    for (const FieldSpec& spec : specs) {
      if (!selects(spec, gvk)) continue;
      for_each_field(object.json(), spec, [&](Json& node) {
        if (node.is_null()) node = Json::object();
        if (!node.is_object()) {
          throw invalid_argument(object.kind() + " " + object.name() + ": " + spec.path +
                                 " is not a map");
        }
        for (const auto& [key, value] : values) node[key] = value;
      });
    }
  }
}

void add_common_labels(std::vector<Object>& objects, const StringMap& labels,
                       const std::vector<FieldSpec>& specs) {
  add_to_maps(objects, labels, specs);
}

const std::vector<FieldSpec>& template_label_field_specs() {
  // metadata/labels and the commonLabels entries after it (metadatalabels.go).
  static const std::vector<FieldSpec> specs = [] {
    std::vector<FieldSpec> out;
    for (const FieldSpec& spec : common_label_field_specs()) {
      if (!out.empty() || (spec.kind.empty() && spec.path == "metadata/labels"))
        out.push_back(spec);
    }
    return out;
  }();
  return specs;
}

std::vector<FieldSpec> labels_entry_field_specs(const LabelsEntry& entry,
                                                const LabelFieldSpecs& config) {
  std::vector<FieldSpec> specs = entry.fields;
  const auto merge = [&specs](const FieldSpec& spec) {
    for (const FieldSpec& existing : specs) {
      if (existing.group == spec.group && existing.version == spec.version &&
          existing.kind == spec.kind && existing.path == spec.path) {
        if (existing.create != spec.create) {
          throw invalid_argument("failed to merge labels: conflicting fieldspecs (" + spec.path +
                                 " with and without create)");
        }
        return;
      }
    }
    specs.push_back(spec);
  };
  for (const FieldSpec& spec : config.labels) merge(spec);
  if (entry.include_selectors) {
    for (const FieldSpec& spec : config.common) merge(spec);
    return specs;
  }
  if (entry.include_templates) {
    for (const FieldSpec& spec : config.templates) merge(spec);
  }
  merge({"", "", "", "metadata/labels", true});
  return specs;
}

void add_labels(std::vector<Object>& objects, const std::vector<LabelsEntry>& entries,
                const LabelFieldSpecs& config) {
  for (const LabelsEntry& entry : entries) {
    add_to_maps(objects, entry.pairs, labels_entry_field_specs(entry, config));
  }
}

}  // namespace sluice::render::transformers
