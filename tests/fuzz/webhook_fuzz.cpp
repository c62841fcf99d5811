// Webhook requests (server/webhook.h) as the receiver sees them after the HTTP server's parser:
// the input is header lines ("Name: value") up to an empty line, then the body, within the
// server's default header and body limits. Every provider's verification runs with a fixed
// secret, then its event parsing (which production reaches only once the request verified).
// A request whose GitHub/Gitea/generic signature is recomputed with the secret must verify.
#include <array>
#include <cstdlib>

#include "core/hmac.h"
#include "core/sha256.h"
#include "fuzz_support.h"
#include "server/webhook.h"

namespace {

using sluice::server::HttpRequest;
using sluice::server::WebhookProvider;

constexpr std::string_view kSecret = "fuzz-webhook-secret";
// HttpServer::Options' defaults: bigger requests are refused before a handler runs.
constexpr std::size_t kMaxHeaderBytes = std::size_t{16} * 1024;
constexpr std::size_t kMaxBodyBytes = std::size_t{1024} * 1024;
constexpr std::array kProviders{WebhookProvider::kGitHub, WebhookProvider::kGitLab,
                                WebhookProvider::kGitea, WebhookProvider::kGeneric};

HttpRequest read_request(std::string_view input) {
  HttpRequest request;
  request.method = "POST";
  request.target = request.path = "/hook/fuzz";
  while (!input.empty()) {
    const std::size_t end = input.find('\n');
    const std::string_view line = input.substr(0, end);
    input = end == std::string_view::npos ? std::string_view() : input.substr(end + 1);
    if (line.empty()) break;
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    request.headers.emplace_back(line.substr(0, colon), value);
  }
  request.body = input;
  return request;
}

bool verifies(WebhookProvider provider, const HttpRequest& request) {
  try {
    sluice::server::verify_webhook(provider, request, kSecret);
    return true;
  } catch (const sluice::Error&) {
    return false;
  }
}

}  // namespace

// libFuzzer's entry point, named by libFuzzer.
// NOLINTNEXTLINE(readability-identifier-naming)
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input = sluice::fuzz::as_text(data, size);
  const std::size_t header_end = input.find("\n\n");
  if (header_end != std::string_view::npos && header_end > kMaxHeaderBytes) return 0;
  if (header_end != std::string_view::npos && size - header_end - 2 > kMaxBodyBytes) return 0;
  HttpRequest request = read_request(input);
  if (const auto detected = sluice::server::detect_webhook_provider(request)) {
    (void)verifies(*detected, request);
  }
  for (const WebhookProvider provider : kProviders) {
    (void)verifies(provider, request);
    sluice::fuzz::refusals_allowed([&] {
      const auto event = sluice::server::parse_webhook_event(provider, request);
      (void)sluice::server::webhook_push_matches(event.ref, "main", true);
    });
  }
  // Signed correctly, the same request must pass (whatever else its headers say).
  const std::string signature =
      "sha256=" + sluice::to_hex(sluice::hmac_sha256(kSecret, request.body));
  HttpRequest github = request;
  github.headers = {{"X-GitHub-Event", "push"}, {"X-Hub-Signature-256", signature}};
  HttpRequest generic = request;
  generic.headers = {{"X-Signature-256", signature}};
  if (!verifies(WebhookProvider::kGitHub, github) ||
      !verifies(WebhookProvider::kGeneric, generic)) {
    std::abort();  // a finding: a genuine request was refused
  }
  return 0;
}
