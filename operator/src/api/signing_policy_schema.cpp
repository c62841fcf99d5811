#include "api/signing_policy_schema.h"

#include "api/conditions.h"
#include "core/object.h"

namespace sluice::api {
namespace {

Schema secret_key_ref(std::string description) {
  return Schema::object(
             {
                 required("name", name_schema("The Secret's name.")),
                 field("namespace",
                       namespace_schema("The Secret's namespace; default: the operator's.")),
                 field("key", Schema::string().length(1, 253).describe(
                                  "The key in the Secret's data; each field has its default.")),
             })
      .describe(std::move(description));
}

Schema keyless_schema() {
  return Schema::object({
      required("identities",
               Schema::array(
                   Schema::object(
                       {
                           required("issuer", Schema::string()
                                                  .length(1, 4096)
                                                  .example_value("https://token.example.com")
                                                  .describe("The OIDC issuer, exactly.")),
                           field("subject", Schema::string().length(1, 4096).describe(
                                                "The certificate identity (SAN), exactly.")),
                           field("subjectRegExp",
                                 Schema::string().length(1, 1024).describe(
                                     "A regular expression searched in the SAN (anchor it with "
                                     "^...$).")),
                       })
                       .rule(exactly_one_of({"subject", "subjectRegExp"})))
                   .max_items(50)
                   .example_value(Json::array({Json{{"issuer", "https://token.example.com"},
                                                    {"subject", "ci@example.com"}}}))
                   .describe("Who may sign: any one of these.")),
      field("trustedRootSecretRef",
            secret_key_ref("A sigstore trusted_root.json (key default \"trusted_root.json\").")),
  });
}

// Keyless signatures always need the log: an entry must not seem to say otherwise.
Rule ignore_tlog_needs_keys() {
  return Rule{
      "!has(self.ignoreTlog) || !self.ignoreTlog || (has(self.keys) && size(self.keys) > 0)",
      "ignoreTlog applies to keys, and this entry has none", [](const Json& entry) {
        const Json* ignore = find_member(entry, {"ignoreTlog"});
        const Json* keys = find_member(entry, {"keys"});
        return ignore == nullptr || !ignore->is_boolean() || !ignore->get<bool>() ||
               (keys != nullptr && keys->is_array() && !keys->empty());
      }};
}

Schema string_list(std::string description) {
  return Schema::array(Schema::string()).describe(std::move(description));
}

Schema make_spec_schema() {
  const Schema label_selector = Schema::object({
      field("matchLabels", Schema::string_map()),
      field("matchExpressions",
            Schema::array(Schema::object({
                              required("key", Schema::string().length(1, 317)),
                              required("operator", Schema::string().one_of_values(
                                                       {"In", "NotIn", "Exists", "DoesNotExist"})),
                              field("values", string_list("Values for In and NotIn.")),
                          }))
                .example_value(Json::array(
                    {Json{{"key", "team"}, {"operator", "In"}, {"values", {"shop"}}}}))),
  });
  return Schema::object({
      field("mode", Schema::string()
                        .one_of_values({"Enforce", "Audit"})
                        .default_value("Enforce")
                        .describe("Enforce refuses a revision that breaks the policy; Audit "
                                  "applies it and reports the violations.")),
      field("match",
            Schema::object(
                {
                    field("namespaces", string_list("The namespaces of the Applications governed; "
                                                    "absent: all, empty: none.")),
                    field("applicationSelector",
                          Schema(label_selector).describe("A label selector on Applications.")),
                })
                .describe("Which Applications the policy governs; absent: all of them.")),
      field(
          "commits",
          Schema::object(
              {
                  field("required", Schema::boolean().default_value(false).describe(
                                        "Whether the revision's commit (or tag) must be signed by "
                                        "someone below.")),
                  field("ssh",
                        Schema::object(
                            {
                                field("allowedSigners",
                                      Schema::string()
                                          .length(1, 1048576)
                                          .describe("git's allowed_signers file, inline.")),
                                field("allowedSignersSecretRef",
                                      secret_key_ref("allowed_signers from a Secret (key default "
                                                     "\"allowed_signers\").")),
                            })
                            .rule(exactly_one_of({"allowedSigners", "allowedSignersSecretRef"}))
                            .example_value(
                                Json{{"allowedSigners", "alice@example.com ssh-ed25519 AAAA"}})
                            .describe("SSH signatures (git's gpg.format=ssh).")),
                  field("keyless",
                        Schema(keyless_schema()).describe("gitsign (keyless X.509) signatures.")),
              })
              .describe("Commit and tag signatures.")),
      field(
          "images",
          Schema::array(
              Schema::object(
                  {
                      required("glob", Schema::string().length(1, 1024).describe(
                                           "Images this entry covers: * within a path segment, "
                                           "** across segments.")),
                      field("keys",
                            Schema::array(
                                Schema::object(
                                    {
                                        field("secretRef",
                                              secret_key_ref("A cosign public key (key "
                                                             "default \"cosign.pub\").")),
                                        field("pem", Schema::string().length(1, 65536).describe(
                                                         "A cosign public key, inline PEM.")),
                                    })
                                    .rule(exactly_one_of({"secretRef", "pem"})))
                                .max_items(20)
                                .example_value(
                                    Json::array({Json{{"pem",
                                                       "-----BEGIN PUBLIC KEY-----\nMFkw\n-----END "
                                                       "PUBLIC KEY-----\n"}}}))
                                .describe("cosign keys, any one of which must have signed.")),
                      field("keyless",
                            Schema(keyless_schema()).describe("Keyless cosign signers.")),
                      field("ignoreTlog",
                            Schema::boolean().default_value(false).describe(
                                "Accept key signatures without a transparency-log entry (cosign's "
                                "--insecure-ignore-tlog, for images signed with "
                                "--tlog-upload=false): "
                                "the key alone vouches. Keyless signatures always need the log.")),
                  })
                  .rule(ignore_tlog_needs_keys()))
              .max_items(100)
              .describe("cosign signatures the images must carry.")),
      field(
          "rules",
          Schema::object(
              {
                  field("allowedRegistries", string_list("Image globs; absent: any, empty: none.")),
                  field("deniedKinds", string_list("\"Kind\" or \"Kind.group\" that must not be "
                                                   "applied.")),
                  field("requiredLabels", string_list("Labels every object must carry.")),
                  field("denyPrivileged", Schema::boolean().describe("No privileged containers.")),
                  field("denyHostPath", Schema::boolean().describe("No hostPath volumes.")),
                  field("denyHostNetwork", Schema::boolean().describe("No host network.")),
                  field("allowedNamespaces",
                        string_list("Where objects may land; absent: anywhere.")),
              })
              .describe("Rules on the rendered manifests.")),
  });
}

}  // namespace

const Schema& signing_policy_spec_schema() {
  static const Schema schema = make_spec_schema();
  return schema;
}

const Schema& signing_policy_status_schema() {
  static const Schema schema = Schema::object({
      field("observedGeneration",
            Schema::integer().format("int64").describe("The generation last checked.")),
      field("conditions", conditions_schema()),
  });
  return schema;
}

}  // namespace sluice::api
