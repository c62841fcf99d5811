#pragma once

// The GitSource custom resource (sluice.dev/v1alpha1, namespaced): where a repository is,
// which revision to follow, and how often to look. Its status carries the artifact (the
// revision and digest of the snapshot the operator keeps) that Applications render from.

#include <optional>
#include <set>
#include <string>

#include "api/schema.h"
#include "core/duration.h"
#include "core/object.h"

namespace sluice::api {

// Exactly one of the four is set (the schema's rule).
struct GitRef {
  std::string branch;
  std::string tag;
  std::string semver;  // a range; the highest matching tag wins
  std::string commit;  // 40 hex digits
};

// spec.webhook: a push notification from the Git host triggers an immediate fetch (the
// receiver is server/webhook_receiver.h; its path is reported in status.webhookPath).
struct GitSourceWebhook {
  std::string secret_name;  // secretRef.name, in the GitSource's namespace; key `token`
  std::string type;         // "github", "gitlab", "gitea", "generic"; "" by the request's headers
};

struct GitSourceSpec {
  std::string url;  // https://, http://, ssh://, git://, file://
  GitRef ref;
  Duration interval = std::chrono::minutes(1);
  Duration timeout = std::chrono::seconds(60);
  std::optional<std::string> secret_name;  // secretRef.name, in the GitSource's namespace
  std::string ignore;                      // gitignore lines, on top of .sluiceignore
  bool suspend = false;
  std::optional<GitSourceWebhook> webhook;
};

// Validates `object`'s spec against git_source_spec_schema() and reads it. Throws
// Error(kInvalidArgument) "spec.<field>: <problem>". `seen` records the fields read (tests).
GitSourceSpec parse_git_source_spec(const Object& object, std::set<std::string>* seen = nullptr);

const Schema& git_source_spec_schema();
const Schema& git_source_status_schema();

}  // namespace sluice::api
