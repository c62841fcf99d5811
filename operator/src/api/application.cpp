#include "api/application.h"

#include "api/conditions.h"
#include "api/fields.h"
#include "core/error.h"

namespace sluice::api {
namespace {

Schema make_spec_schema() {
  return Schema::object({
      required("sourceRef",
               Schema::object({
                                  field("kind", Schema::string()
                                                    .one_of_values({"GitSource"})
                                                    .default_value("GitSource")
                                                    .describe("The source's kind.")),
                                  required("name", name_schema("The source's name.")),
                                  field("namespace",
                                        namespace_schema(
                                            "The source's namespace; default: the Application's.")),
                              })
                   .describe("The GitSource whose artifact holds the manifests.")),
      field("path", Schema::string().length(1, 1024).default_value("./").describe(
                        "The folder to render, relative to the repository root: a "
                        "kustomization, or plain YAML files.")),
      field("interval", duration_schema("How often to reconcile (re-render, re-apply what "
                                        "drifted, prune) even without a new revision.")
                            .default_value("5m")),
      field("retryInterval",
            duration_schema("How soon to try again after a failure; default: interval.")),
      field("timeout", duration_schema("Bound on applying and on waiting for health; default: "
                                       "interval.")),
      field("prune", Schema::boolean().default_value(false).describe(
                         "Delete objects that a new revision no longer contains, and all of them "
                         "when the Application is deleted.")),
      field("wait", Schema::boolean().default_value(false).describe(
                        "Wait for every applied object to become healthy (kstatus) within "
                        "timeout.")),
      field("force", Schema::boolean().default_value(false).describe(
                         "Recreate objects whose immutable fields changed.")),
      field("suspend", Schema::boolean().default_value(false).describe(
                           "Stop all writes for this Application.")),
      field("targetNamespace", namespace_schema("Put every namespaced object in this namespace.")),
      field("serviceAccountName",
            name_schema("Apply as this ServiceAccount of the Application's namespace "
                        "(impersonation); default: the operator's own identity.")),
      field("dependsOn",
            Schema::array(Schema::object({
                              required("name", name_schema("The Application's name.")),
                              field("namespace", namespace_schema("Its namespace; default: this "
                                                                  "Application's.")),
                          }))
                .max_items(100)
                .describe("Applications that must be Ready at their current generation first.")),
      field("drift",
            Schema::string()
                .one_of_values({"Correct", "Report"})
                .default_value("Correct")
                .describe("What to do when someone changes a field sluice applied: Correct puts "
                          "it back at once; Report only records it in status and events.")),
      field("postBuild",
            Schema::object(
                {
                    field("substitute", Schema::string_map().describe(
                                            "Variables for ${VAR} substitution in the rendered "
                                            "manifests (Flux's postBuild).")),
                    field("substituteFrom",
                          Schema::array(
                              Schema::object({
                                  required("kind", Schema::string()
                                                       .one_of_values({"ConfigMap", "Secret"})
                                                       .describe("ConfigMap or Secret.")),
                                  required("name", name_schema("Its name, in the Application's "
                                                               "namespace.")),
                                  field("optional", Schema::boolean().default_value(false).describe(
                                                        "A missing object is not an error.")),
                              }))
                              .max_items(50)
                              .describe("Variables from the data of ConfigMaps and Secrets; "
                                        "substitute wins over them, later entries over earlier.")),
                })
                .describe("Variable substitution after rendering.")),
  });
}

Schema object_ids(std::string description, std::int64_t max) {
  return Schema::array(Schema::string()).max_items(max).describe(std::move(description));
}

Schema make_status_schema() {
  const Schema object_health = Schema::object({
      required("id", Schema::string().describe("<namespace>_<name>_<group>_<kind>")),
      required("status", Schema::string().describe("kstatus status.")),
      field("message", Schema::string()),
  });
  return Schema::object({
      field("observedGeneration",
            Schema::integer().format("int64").describe("The generation last reconciled.")),
      field("conditions", conditions_schema()),
      field("lastAppliedRevision", Schema::string().describe("The revision last applied in full.")),
      field("lastAttemptedRevision",
            Schema::string().describe("The revision last tried, applied or not.")),
      field("lastHandledReconcileAt",
            Schema::string().describe(
                "The last sluice.dev/reconcile-requested-at value the controller handled.")),
      field(
          "inventory",
          Schema::object(
              {
                  field("entries",
                        Schema::array(Schema::object({
                                          required("id", Schema::string().describe(
                                                             "<namespace>_<name>_<group>_<kind>")),
                                          required("v", Schema::string().describe("API version.")),
                                      }))
                            .describe("Every object the last applied revision holds.")),
              })
              .describe("What this Application applied: what prune compares against.")),
      field("health",
            Schema::object(
                {
                    required("status",
                             Schema::string()
                                 .one_of_values({"Current", "InProgress", "Failed", "Unknown"})
                                 .describe("The worst status among the applied objects.")),
                    field("message", Schema::string()),
                    field("unhealthy", Schema::array(object_health)
                                           .max_items(10)
                                           .describe("The first objects that are not Current.")),
                })
                .describe("Health of the applied objects at the last check.")),
      field("drift",
            Schema::object(
                {
                    required("action", Schema::string()
                                           .one_of_values({"Corrected", "Reported"})
                                           .describe("What sluice did about it.")),
                    field("objects", object_ids("Objects that drifted (at most 20).", 20)),
                    field("fields",
                          Schema::array(
                              Schema::object({
                                  required("object", Schema::string()),
                                  required("paths", Schema::array(Schema::string())
                                                        .max_items(10)
                                                        .describe("Fields that differ, e.g. "
                                                                  "spec.replicas.")),
                              }))
                              .max_items(20)
                              .describe("For each drifted object, the fields that changed.")),
                    field("count", Schema::integer().describe("How many objects drifted.")),
                    required(
                        "time",
                        Schema::string().format("date-time").describe("When the drift was found.")),
                })
                .describe("The last change made by someone else to fields sluice applies.")),
      field(
          "history",
          Schema::array(Schema::object({
                            required("revision", Schema::string()),
                            field("digest", Schema::string().describe(
                                                "sha256 of the manifests applied (or refused).")),
                            required("time", Schema::string().format("date-time")),
                            required("result", Schema::string()
                                                   .one_of_values({"Applied", "Failed", "Blocked"})
                                                   .describe("Applied, Failed, or Blocked by a "
                                                             "signing policy.")),
                            field("message", Schema::string()),
                        }))
              .max_items(5)
              .describe("The last five outcomes, newest first.")),
  });
}

}  // namespace

const Schema& application_spec_schema() {
  static const Schema schema = make_spec_schema();
  return schema;
}

const Schema& application_status_schema() {
  static const Schema schema = make_status_schema();
  return schema;
}

ApplicationSpec parse_application_spec(const Object& object, std::set<std::string>* seen) {
  const FieldReader spec = validated_spec(object, application_spec_schema(), seen);
  ApplicationSpec out;
  if (auto source = spec.object("sourceRef")) {
    out.source_ref.kind = source->string_or("kind", "GitSource");
    out.source_ref.name = source->string_or("name", "");
    out.source_ref.namespace_ = source->string_or("namespace", "");
  }
  out.path = spec.string_or("path", "./");
  if (auto interval = spec.duration("interval")) out.interval = *interval;
  out.retry_interval = spec.duration("retryInterval");
  out.timeout = spec.duration("timeout");
  out.prune = spec.boolean_or("prune", false);
  out.wait = spec.boolean_or("wait", false);
  out.force = spec.boolean_or("force", false);
  out.suspend = spec.boolean_or("suspend", false);
  out.target_namespace = spec.string_or("targetNamespace", "");
  out.service_account_name = spec.string_or("serviceAccountName", "");
  for (const FieldReader& dependency : spec.objects("dependsOn")) {
    out.depends_on.push_back(
        {dependency.string_or("name", ""), dependency.string_or("namespace", "")});
  }
  out.drift =
      spec.string_or("drift", "Correct") == "Report" ? DriftMode::kReport : DriftMode::kCorrect;
  if (auto post_build = spec.object("postBuild")) {
    out.substitute = post_build->string_map("substitute");
    for (const FieldReader& from : post_build->objects("substituteFrom")) {
      out.substitute_from.push_back({from.string_or("kind", ""), from.string_or("name", ""),
                                     from.boolean_or("optional", false)});
    }
  }
  return out;
}

}  // namespace sluice::api
