#pragma once
// Small manifests the operator tests commit to their repositories.

#include <string>

namespace sluice::testing {

// The image kwok in tests/env never starts (docs/testing.md).
inline constexpr const char* kNeverReadyImage = "registry.invalid/never-ready:1";

inline std::string config_map_yaml(const std::string& name, const std::string& value) {
  return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\ndata:\n  value: \"" +
         value + "\"\n";
}

// A Deployment kwok runs (any image but the reserved never-ready one becomes Ready).
inline std::string deployment_yaml(const std::string& name, int replicas,
                                   const std::string& image = "registry.example/web:1") {
  return "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: " + name +
         "\nspec:\n  replicas: " + std::to_string(replicas) +
         "\n  selector:\n    matchLabels: {app: " + name +
         "}\n  template:\n    metadata:\n      labels: {app: " + name +
         "}\n    spec:\n      containers:\n      - name: main\n        image: " + image + "\n";
}

inline std::string kustomization_yaml(std::initializer_list<std::string> resources) {
  std::string text =
      "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n";
  for (const std::string& resource : resources) text += "- " + resource + "\n";
  return text;
}

}  // namespace sluice::testing
