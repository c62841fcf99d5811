#include "api/crds.h"

#include "api/application.h"
#include "api/git_source.h"
#include "api/group.h"
#include "api/signing_policy_schema.h"
#include "core/yaml_writer.h"

namespace sluice::api {
namespace {

struct Column {
  std::string name;
  std::string type;
  std::string json_path;
  std::string description;
  int priority = 0;
};

struct Definition {
  std::string_view kind;
  std::string_view plural;
  std::vector<std::string> short_names;
  bool namespaced = true;
  std::string description;
  const Schema& spec;
  const Schema& status;
  bool spec_required = true;
  std::vector<Column> columns;
};

const Column kReadyColumn{"Ready", "string", ".status.conditions[?(@.type==\"Ready\")].status",
                          "Whether the last reconcile succeeded."};
const Column kStatusColumn{"Status", "string", ".status.conditions[?(@.type==\"Ready\")].message",
                           "What the last reconcile did or why it failed."};
const Column kAgeColumn{"Age", "date", ".metadata.creationTimestamp", ""};
const Column kSuspendedColumn{"Suspended", "boolean", ".spec.suspend", "No writes while true."};

Json column_json(const Column& column) {
  Json out{{"name", column.name}, {"type", column.type}, {"jsonPath", column.json_path}};
  if (!column.description.empty()) out["description"] = column.description;
  if (column.priority != 0) out["priority"] = column.priority;
  return out;
}

Json make_crd(const Definition& definition) {
  const std::string kind(definition.kind);
  const std::string plural(definition.plural);
  std::string singular;
  for (const char c : kind)
    singular += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));

  Json properties{
      {"apiVersion", Json{{"type", "string"}}},   {"kind", Json{{"type", "string"}}},
      {"metadata", Json{{"type", "object"}}},     {"spec", definition.spec.to_openapi()},
      {"status", definition.status.to_openapi()},
  };
  Json schema{{"type", "object"},
              {"description", definition.description},
              {"properties", std::move(properties)}};
  if (definition.spec_required) schema["required"] = Json::array({"spec"});

  Json columns = Json::array();
  for (const Column& column : definition.columns) columns.push_back(column_json(column));

  Json names{{"kind", kind},
             {"listKind", kind + "List"},
             {"plural", plural},
             {"singular", singular},
             {"shortNames", definition.short_names},
             {"categories", Json::array({"sluice"})}};
  return Json{
      {"apiVersion", "apiextensions.k8s.io/v1"},
      {"kind", "CustomResourceDefinition"},
      {"metadata", Json{{"name", plural + "." + std::string(kGroup)}}},
      {"spec",
       Json{{"group", kGroup},
            {"names", std::move(names)},
            {"scope", definition.namespaced ? "Namespaced" : "Cluster"},
            {"versions", Json::array({Json{{"name", kVersion},
                                           {"served", true},
                                           {"storage", true},
                                           {"schema", Json{{"openAPIV3Schema", std::move(schema)}}},
                                           {"subresources", Json{{"status", Json::object()}}},
                                           {"additionalPrinterColumns", std::move(columns)}}})}}},
  };
}

}  // namespace

std::vector<CrdFile> crds() {
  // Short names: Flux has gitrepo, ks, hr; Argo CD app, apps, appproj, appset. None of ours
  // collides, so both can be installed next to sluice.
  const std::vector<Definition> definitions = {
      {kGitSourceKind,
       kGitSourcePlural,
       {"gitsrc"},
       true,
       "A Git repository and the revision to follow; sluice keeps a snapshot of it for the "
       "Applications that use it.",
       git_source_spec_schema(),
       git_source_status_schema(),
       true,
       {{"URL", "string", ".spec.url", "The repository.", 1},
        kReadyColumn,
        kStatusColumn,
        {"Revision", "string", ".status.artifact.revision", "The revision held."},
        kSuspendedColumn,
        kAgeColumn}},
      {kApplicationKind,
       kApplicationPlural,
       {"sapp", "sapps"},
       true,
       "A folder of a GitSource, rendered as kustomize does, checked against the signing "
       "policies, and kept applied to the cluster.",
       application_spec_schema(),
       application_status_schema(),
       true,
       {kReadyColumn,
        kStatusColumn,
        {"Revision", "string", ".status.lastAppliedRevision", "The revision applied."},
        kSuspendedColumn,
        kAgeColumn}},
      {kSigningPolicyKind,
       kSigningPolicyPlural,
       {"sigpol"},
       false,
       "Who must have signed what an Application applies, and rules its manifests must keep. "
       "Cluster-scoped, so a tenant cannot opt out.",
       signing_policy_spec_schema(),
       signing_policy_status_schema(),
       true,
       {{"Mode", "string", ".spec.mode", "Enforce or Audit."},
        kReadyColumn,
        kStatusColumn,
        kAgeColumn}},
  };
  std::vector<CrdFile> files;
  files.reserve(definitions.size());
  for (const Definition& definition : definitions) {
    files.push_back({std::string(kGroup) + "_" + std::string(definition.plural) + ".yaml",
                     make_crd(definition)});
  }
  return files;
}

std::string crd_yaml(const CrdFile& file) {
  return "# Generated by `sluice crds --out crds/` from operator/src/api; do not edit.\n" +
         write_yaml(file.crd);
}

}  // namespace sluice::api
