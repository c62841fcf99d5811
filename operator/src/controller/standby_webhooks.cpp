#include "controller/standby_webhooks.h"

#include <spdlog/spdlog.h>

#include "api/group.h"
#include "controller/git_source_reconciler.h"
#include "kube/leader_election.h"

namespace sluice::controller {

StandbyWebhooks::StandbyWebhooks(kube::Client client, const kube::Informer& sources,
                                 server::WebhookRegistry& registry)
    : client_(std::move(client)),
      sources_(sources),
      registry_(registry),
      requests_(runtime::make_channel<std::string>(64)) {}

void StandbyWebhooks::run(runtime::AbortSource& stop, const std::function<bool()>& skip,
                          std::chrono::milliseconds period) {
  while (!stop.abort_requested()) {
    if (!skip()) sync();
    try {
      runtime::sleep_for(period, stop);
    } catch (const Error&) {
      break;
    }
  }
}

void StandbyWebhooks::sync() {
  std::map<std::string, std::string> seen;
  for (const Json& source : sources_.list()) {
    const Object object(source);
    const std::string key = object.namespace_name() + "/" + object.name();
    const std::string version = string_member(source, {"metadata", "resourceVersion"});
    seen[key] = version;
    const auto known = registered_.find(key);
    if (known != registered_.end() && known->second == version) continue;
    try {
      register_webhook(registry_, client_, key, api::parse_git_source_spec(object));
    } catch (const Error& e) {
      // The leader reports it in the source's status; the standby only stays quiet.
      spdlog::debug("standby: webhook of GitSource {}: {}", key, e.message());
    }
  }
  for (const auto& [key, version] : registered_) {
    if (!seen.contains(key)) registry_.remove(key);
  }
  registered_ = std::move(seen);
}

void StandbyWebhooks::forward(const std::string& source_key) {
  std::string key = source_key;
  if (requests_->try_send(std::move(key)) != runtime::ChannelStatus::kSuccess) {
    spdlog::warn("standby: dropped a webhook push for GitSource {}: too many queued", source_key);
  }
}

void StandbyWebhooks::run_forwarder(runtime::AbortSource& stop) {
  runtime::AbortSource::Subscription closing = stop.subscribe([this] { requests_->close(); });
  while (std::optional<std::string> key = requests_->receive()) {
    const auto slash = key->find('/');
    const Json patch{{"metadata",
                      {{"annotations",
                        {{std::string(api::annotation::kReconcileRequestedAt),
                          // Microseconds: two pushes within a second are two requests.
                          kube::micro_time(std::chrono::system_clock::now())}}}}}};
    try {
      client_.merge_patch(git_sources(), key->substr(0, slash), key->substr(slash + 1), patch);
      spdlog::info("standby: asked the leader to fetch GitSource {} (webhook push)", *key);
    } catch (const Error& e) {
      spdlog::warn("standby: could not pass a webhook push for GitSource {} on: {}", *key,
                   e.message());
    }
  }
}

}  // namespace sluice::controller
