#pragma once

// What a Git host's webhook request says and whether it is genuine, per provider, without any
// state: the receiver (server/webhook_receiver.h) decides what to do with it.
//
//   provider  detected by                      authenticated by
//   github    X-GitHub-Event                   X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of
//                                              the body under the secret>
//   gitlab    X-Gitlab-Event                   X-Gitlab-Token: <the secret itself>
//   gitea     X-Gitea-Event, X-Forgejo-Event   X-Gitea-Signature (or X-Forgejo-Signature):
//                                              <hex HMAC-SHA256 of the body>
//   generic   X-Signature-256                  X-Signature-256: sha256=<hex HMAC-SHA256 of
//                                              the body>
//
// Gitea also sends GitHub's headers, so its own are looked for first. Every comparison with
// the secret is constant-time (core/hmac.h): signatures are decoded and compared as raw
// MACs, a GitLab token by its SHA-256 (so its length is not given away either).
//
// Events: GitHub `push` and `ping`; GitLab `Push Hook` and `Tag Push Hook`; Gitea/Forgejo
// `push` (tags included). The pushed ref is the body's top-level `ref`, a full name such as
// "refs/heads/main" or "refs/tags/v1.2.0". GitHub may also send the body form-encoded
// (`payload=<JSON>`). A generic request is a push: its body is empty or a JSON object whose
// optional `ref` names what was pushed (no ref: "fetch now, whatever changed").

#include <optional>
#include <string>
#include <string_view>

#include "server/http_message.h"

namespace sluice::server {

enum class WebhookProvider { kGitHub, kGitLab, kGitea, kGeneric };

// "github", "gitlab", "gitea", "generic" (the values of GitSource spec.webhook.type).
std::string_view to_string(WebhookProvider provider) noexcept;
// The provider of one of those names; nullopt for anything else.
std::optional<WebhookProvider> webhook_provider_named(std::string_view name);

// The provider whose headers the request carries (see the table), nullopt when none.
std::optional<WebhookProvider> detect_webhook_provider(const HttpRequest& request);

// Checks the request's signature or token against `secret`. Throws Error(kUnauthenticated)
// when it is missing, malformed or wrong (the message says which, never anything of the
// secret or of the expected value).
void verify_webhook(WebhookProvider provider, const HttpRequest& request, std::string_view secret);

struct WebhookEvent {
  enum class Kind {
    kPing,   // GitHub's hello when a hook is created
    kPush,   // commits or a tag pushed (generic: any request)
    kOther,  // any other event: not acted on
  };
  Kind kind = Kind::kOther;
  std::string name;  // the event header's value ("push", "Tag Push Hook"); "" for generic
  std::string ref;   // a push's ref; "" for others, and for a generic push without one
};

// Reads the event of a request verify_webhook() accepted. Throws Error(kInvalidArgument) for a
// push whose body is not a JSON object or has no string `ref` (a generic one may leave it out).
// Only the top-level members are looked at; nothing else of the body is kept.
WebhookEvent parse_webhook_event(WebhookProvider provider, const HttpRequest& request);

// Whether a push of `ref` calls for fetching a source that follows `branch` (non-empty for a
// branch source: exactly "refs/heads/<branch>") or tags (`tags`, for tag and semver sources:
// any "refs/tags/..."). A generic push without a ref ("") matches either. A source pinned to a
// commit has neither, and no push matches it.
bool webhook_push_matches(std::string_view ref, std::string_view branch, bool tags) noexcept;

// The receiver path of the source "namespace/name" with webhook secret `token`:
// "/hook/<64 hex digits>", the HMAC-SHA256 of "sluice.dev/webhook/<namespace>/<name>" under
// the token. Unguessable without the token, the same in every replica and after restarts, and
// new when the token is rotated.
std::string webhook_path(std::string_view source_key, std::string_view token);

// The prefix every webhook_path() starts with.
inline constexpr std::string_view kWebhookPathPrefix = "/hook/";

}  // namespace sluice::server
