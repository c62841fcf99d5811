#pragma once

// The CustomResourceDefinitions of sluice.dev, printed from the Schemas declared in C++
// (api/schema.h). crds/*.yaml are this output, written by `sluice crds --out crds/`; a
// unit test fails when they differ, so the files, the operator's own validation and its types
// cannot drift apart. Tests, the install manifests and the Helm chart all use crds/.

#include <string>
#include <vector>

#include "core/json.h"

namespace sluice::api {

struct CrdFile {
  std::string file_name;  // "sluice.dev_gitsources.yaml"
  Json crd;               // the apiextensions.k8s.io/v1 CustomResourceDefinition
};

// GitSource, Application, SigningPolicy, in that order.
std::vector<CrdFile> crds();

// A CRD as YAML, with the header comment that says where it comes from.
std::string crd_yaml(const CrdFile& file);

}  // namespace sluice::api
