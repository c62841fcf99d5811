#include "api/git_source.h"

#include "api/conditions.h"
#include "api/fields.h"
#include "core/error.h"

namespace sluice::api {
namespace {

Schema make_spec_schema() {
  return Schema::object({
      required("url",
               Schema::string()
                   .pattern("^(https?|ssh|git|file)://.+$")
                   .example_value("https://git.example.com/org/platform.git")
                   .describe("The repository: https://, http://, ssh://, git:// or file:// URL.")),
      required(
          "ref",
          Schema::object(
              {
                  field("branch", Schema::string().length(1, 255).describe("Follow this branch.")),
                  field("tag", Schema::string().length(1, 255).describe("Follow this tag.")),
                  field("semver", Schema::string().length(1, 255).describe(
                                      "Follow the highest tag in this semver range, e.g. "
                                      "\">=1.0.0 <2.0.0\".")),
                  field("commit", Schema::string()
                                      .pattern("^[0-9a-fA-F]{40}$")
                                      .describe("Stay at this commit (40 hex digits).")),
              })
              .rule(exactly_one_of({"branch", "tag", "semver", "commit"}))
              .example_value(Json{{"branch", "main"}})
              .describe("The revision to follow: exactly one of branch, tag, semver, commit.")),
      field("interval",
            duration_schema("How often to look for a new revision.").default_value("1m")),
      field("timeout",
            duration_schema("Bound on one fetch, network included.").default_value("60s")),
      field("secretRef",
            Schema::object({required("name", name_schema("The Secret's name."))})
                .describe("A Secret in the GitSource's namespace with the credentials: "
                          "username and password, or bearerToken (https); identity and "
                          "known_hosts (ssh); ca.crt (https with a private CA).")),
      field("ignore",
            Schema::string()
                .length(std::nullopt, 65536)
                .describe("Paths to leave out of the snapshot, in .gitignore syntax, on top of the "
                          "repository's .sluiceignore.")),
      field("suspend", Schema::boolean().default_value(false).describe(
                           "Stop polling; the last artifact stays available.")),
      field("webhook",
            Schema::object(
                {
                    required("secretRef",
                             Schema::object({required("name", name_schema("The Secret's name."))})
                                 .describe("A Secret in the GitSource's namespace whose key "
                                           "`token` holds the secret shared with the Git host.")),
                    field("type", Schema::string()
                                      .one_of_values({"github", "gitlab", "gitea", "generic"})
                                      .describe("The Git host's webhook format: github "
                                                "(X-Hub-Signature-256), gitlab (X-Gitlab-Token), "
                                                "gitea (Gitea and Forgejo, X-Gitea-Signature), "
                                                "generic (X-Signature-256: sha256=<hex HMAC>). "
                                                "Unset: told by the request's headers.")),
                })
                .describe("Receive push notifications at status.webhookPath on the operator's "
                          "--webhook-addr: a push of the followed branch (or of any tag, for "
                          "tag and semver refs) triggers a fetch at once.")),
  });
}

Schema make_status_schema() {
  return Schema::object({
      field("observedGeneration",
            Schema::integer().format("int64").describe("The generation last reconciled.")),
      field("conditions", conditions_schema()),
      field("artifact",
            Schema::object(
                {
                    required("revision",
                             Schema::string().describe("\"<branch-or-tag>@sha1:<commit>\" or "
                                                       "\"sha1:<commit>\".")),
                    required("digest", Schema::string().describe(
                                           "sha256 of the snapshot's files and modes.")),
                    required("lastUpdateTime", Schema::string()
                                                   .format("date-time")
                                                   .describe("When the artifact last changed.")),
                })
                .describe("The revision the operator holds a snapshot of; Applications render "
                          "this.")),
      field("verification",
            Schema::object(
                {
                    required("method",
                             Schema::string()
                                 .one_of_values({"ssh", "x509", "openpgp", "unsigned", "unknown"})
                                 .describe("The signature format the commit (or tag) carries.")),
                    field("signer", Schema::string().describe(
                                        "Who the signature claims (certificate identity for x509); "
                                        "verified only by a SigningPolicy (see an Application's "
                                        "Verified condition).")),
                    field("fingerprint",
                          Schema::string().describe(
                              "SHA256 fingerprint of the signing key or certificate.")),
                })
                .describe("The commit's signature evidence as fetched, for the policy gate.")),
      field("lastHandledReconcileAt",
            Schema::string().describe(
                "The last sluice.dev/reconcile-requested-at value the controller handled.")),
      field("webhookPath",
            Schema::string().describe(
                "Where the operator's webhook receiver takes this source's push notifications "
                "(spec.webhook): \"/hook/<HMAC of the source's name under the token>\".")),
  });
}

}  // namespace

const Schema& git_source_spec_schema() {
  static const Schema schema = make_spec_schema();
  return schema;
}

const Schema& git_source_status_schema() {
  static const Schema schema = make_status_schema();
  return schema;
}

GitSourceSpec parse_git_source_spec(const Object& object, std::set<std::string>* seen) {
  const FieldReader spec = validated_spec(object, git_source_spec_schema(), seen);
  GitSourceSpec out;
  out.url = spec.string_or("url", "");
  if (auto ref = spec.object("ref")) {
    out.ref.branch = ref->string_or("branch", "");
    out.ref.tag = ref->string_or("tag", "");
    out.ref.semver = ref->string_or("semver", "");
    out.ref.commit = ref->string_or("commit", "");
  }
  if (auto interval = spec.duration("interval")) out.interval = *interval;
  if (auto timeout = spec.duration("timeout")) out.timeout = *timeout;
  if (auto secret = spec.object("secretRef")) out.secret_name = secret->string("name");
  out.ignore = spec.string_or("ignore", "");
  out.suspend = spec.boolean_or("suspend", false);
  if (auto webhook = spec.object("webhook")) {
    GitSourceWebhook& hook = out.webhook.emplace();
    if (auto secret = webhook->object("secretRef")) {
      hook.secret_name = secret->string("name").value_or("");
    }
    hook.type = webhook->string_or("type", "");
  }
  return out;
}

}  // namespace sluice::api
