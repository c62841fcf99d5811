#include "server/webhook.h"

#include <array>
#include <utility>

#include "core/error.h"
#include "core/hmac.h"
#include "core/json.h"
#include "core/sha256.h"

namespace sluice::server {
namespace {

constexpr std::array<std::pair<std::string_view, WebhookProvider>, 4> kProviders{{
    {"github", WebhookProvider::kGitHub},
    {"gitlab", WebhookProvider::kGitLab},
    {"gitea", WebhookProvider::kGitea},
    {"generic", WebhookProvider::kGeneric},
}};

std::string sha256_raw(std::string_view bytes) {
  Sha256 hash;
  hash.update(bytes);
  return hash.finish_raw();
}

[[noreturn]] void refuse(const std::string& why) {
  throw Error(ErrorCode::kUnauthenticated, "webhook refused: " + why);
}

// Checks "<hex>" (after `prefix`, e.g. "sha256=") in header `name` against the body's
// HMAC-SHA256 under `secret`, comparing raw MACs in constant time.
void verify_hmac_header(const HttpRequest& request, std::string_view name, std::string_view prefix,
                        std::string_view secret) {
  const std::optional<std::string> header = request.header(name);
  if (!header) refuse("no " + std::string(name) + " header");
  if (!header->starts_with(prefix)) {
    refuse(std::string(name) + " does not start with \"" + std::string(prefix) + "\"");
  }
  const std::optional<std::string> given =
      from_hex(std::string_view(*header).substr(prefix.size()));
  const std::string expected = hmac_sha256(secret, request.body);
  // A wrong length is no secret (every HMAC-SHA256 is 32 bytes); only equal lengths reach the
  // comparison, which then takes the same time wherever the bytes differ.
  if (!given || given->size() != expected.size()) {
    refuse(std::string(name) + " is not 64 hex digits");
  }
  if (!constant_time_equal(*given, expected)) refuse(std::string(name) + " does not match");
}

void verify_token_header(const HttpRequest& request, std::string_view name,
                         std::string_view secret) {
  const std::optional<std::string> header = request.header(name);
  if (!header) refuse("no " + std::string(name) + " header");
  // Digests first, so neither the token's length nor where a guess goes wrong shows in timing.
  if (!constant_time_equal(sha256_raw(*header), sha256_raw(secret))) {
    refuse(std::string(name) + " does not match");
  }
}

// Picks the top-level `ref` out of a JSON body without building the document: nlohmann's SAX
// interface, so a large or deeply nested body costs one pass and no memory beyond the ref.
class RefReader {
 public:
  using Number = Json::number_integer_t;
  using Unsigned = Json::number_unsigned_t;
  using Float = Json::number_float_t;

  bool null() { return scalar(std::nullopt); }
  bool boolean(bool /*unused*/) { return scalar(std::nullopt); }
  bool number_integer(Number /*unused*/) { return scalar(std::nullopt); }
  bool number_unsigned(Unsigned /*unused*/) { return scalar(std::nullopt); }
  bool number_float(Float /*unused*/, const std::string& /*unused*/) {
    return scalar(std::nullopt);
  }
  bool binary(Json::binary_t& /*unused*/) { return scalar(std::nullopt); }
  bool string(std::string& text) { return scalar(std::move(text)); }
  bool start_object(std::size_t /*unused*/) {
    member(std::nullopt);
    ++depth_;
    return true;
  }
  bool key(std::string& name) {
    if (depth_ == 1) key_ = std::move(name);
    return true;
  }
  bool end_object() {
    --depth_;
    return true;
  }
  bool start_array(std::size_t /*unused*/) {
    if (depth_ == 0) return false;  // the top level must be an object
    member(std::nullopt);
    ++depth_;
    return true;
  }
  bool end_array() {
    --depth_;
    return true;
  }
  bool parse_error(std::size_t /*unused*/, const std::string& /*unused*/,
                   const nlohmann::detail::exception& /*unused*/) {
    return false;
  }

  const std::optional<std::string>& ref() const { return ref_; }

 private:
  // A scalar value: at the top level the body is no object.
  bool scalar(std::optional<std::string> text) {
    if (depth_ == 0) return false;
    member(std::move(text));
    return true;
  }

  // A value starts: a top-level `ref` takes it when it is a string, and is unset by anything
  // else (so a later `"ref": null` is no ref, whatever came before).
  void member(std::optional<std::string> text) {
    if (depth_ == 1 && key_ == "ref") ref_ = std::move(text);
  }

  int depth_ = 0;
  std::string key_;
  std::optional<std::string> ref_;
};

// The top-level `ref` of a JSON object body (nullopt when it has none, or not a string);
// Error(kInvalidArgument) when the body is not a JSON object.
std::optional<std::string> read_ref(std::string_view body) {
  RefReader reader;
  bool parsed = false;
  try {
    parsed = Json::sax_parse(body, &reader);
  } catch (const std::exception&) {
    parsed = false;  // nlohmann reports through parse_error; this only keeps its throws in
  }
  if (!parsed) throw invalid_argument("webhook body is not a JSON object");
  return reader.ref();
}

// The JSON of a request: the body, or GitHub's form field `payload`.
std::string json_body(const HttpRequest& request) {
  const std::string type = request.header("Content-Type").value_or("");
  if (!type.starts_with("application/x-www-form-urlencoded")) return request.body;
  for (auto& [name, value] : parse_query(request.body)) {
    if (name == "payload") return std::move(value);
  }
  throw invalid_argument("form-encoded webhook body without a payload field");
}

}  // namespace

std::string_view to_string(WebhookProvider provider) noexcept {
  for (const auto& [name, value] : kProviders) {
    if (value == provider) return name;
  }
  return "unknown";
}

std::optional<WebhookProvider> webhook_provider_named(std::string_view name) {
  for (const auto& [known, value] : kProviders) {
    if (known == name) return value;
  }
  return std::nullopt;
}

std::optional<WebhookProvider> detect_webhook_provider(const HttpRequest& request) {
  // Gitea and Forgejo send GitHub's headers as well: theirs first.
  if (request.header("X-Gitea-Event") || request.header("X-Forgejo-Event")) {
    return WebhookProvider::kGitea;
  }
  if (request.header("X-GitHub-Event")) return WebhookProvider::kGitHub;
  if (request.header("X-Gitlab-Event")) return WebhookProvider::kGitLab;
  if (request.header("X-Signature-256")) return WebhookProvider::kGeneric;
  return std::nullopt;
}

void verify_webhook(WebhookProvider provider, const HttpRequest& request, std::string_view secret) {
  switch (provider) {
    case WebhookProvider::kGitHub:
      verify_hmac_header(request, "X-Hub-Signature-256", "sha256=", secret);
      return;
    case WebhookProvider::kGitLab:
      verify_token_header(request, "X-Gitlab-Token", secret);
      return;
    case WebhookProvider::kGitea:
      verify_hmac_header(
          request,
          request.header("X-Forgejo-Signature") ? "X-Forgejo-Signature" : "X-Gitea-Signature", "",
          secret);
      return;
    case WebhookProvider::kGeneric:
      verify_hmac_header(request, "X-Signature-256", "sha256=", secret);
      return;
  }
  refuse("unknown provider");
}

WebhookEvent parse_webhook_event(WebhookProvider provider, const HttpRequest& request) {
  WebhookEvent event;
  bool push = false;
  switch (provider) {
    case WebhookProvider::kGitHub:
      event.name = request.header("X-GitHub-Event").value_or("");
      if (event.name == "ping") event.kind = WebhookEvent::Kind::kPing;
      push = event.name == "push";
      break;
    case WebhookProvider::kGitLab:
      event.name = request.header("X-Gitlab-Event").value_or("");
      push = event.name == "Push Hook" || event.name == "Tag Push Hook";
      break;
    case WebhookProvider::kGitea:
      event.name =
          request.header("X-Forgejo-Event").value_or(request.header("X-Gitea-Event").value_or(""));
      push = event.name == "push";
      break;
    case WebhookProvider::kGeneric: {
      event.kind = WebhookEvent::Kind::kPush;
      if (request.body.empty()) return event;
      event.ref = read_ref(request.body).value_or("");
      return event;
    }
  }
  if (!push) return event;
  event.kind = WebhookEvent::Kind::kPush;
  std::optional<std::string> ref = read_ref(json_body(request));
  if (!ref || ref->empty()) throw invalid_argument("push event without a ref");
  event.ref = std::move(*ref);
  return event;
}

bool webhook_push_matches(std::string_view ref, std::string_view branch, bool tags) noexcept {
  if (ref.empty()) return !branch.empty() || tags;
  if (!branch.empty()) {
    return ref.starts_with("refs/heads/") &&
           ref.substr(std::string_view("refs/heads/").size()) == branch;
  }
  return tags && ref.starts_with("refs/tags/");
}

std::string webhook_path(std::string_view source_key, std::string_view token) {
  return std::string(kWebhookPathPrefix) +
         to_hex(hmac_sha256(token, "sluice.dev/webhook/" + std::string(source_key)));
}

}  // namespace sluice::server
