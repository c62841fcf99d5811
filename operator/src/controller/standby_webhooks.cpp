#include "controller/standby_webhooks.h"

#include <spdlog/spdlog.h>

#include "api/group.h"
#include "controller/context.h"
#include "controller/git_source_reconciler.h"
#include "kube/leader_election.h"

namespace sluice::controller {
namespace {

runtime::WorkQueue<std::string>::Options change_queue_options() {
  runtime::WorkQueue<std::string>::Options options;
  options.qps = 0;  // no hand-out limit: a change costs one Secret read, and changes are rare
  return options;
}

}  // namespace

StandbyWebhooks::StandbyWebhooks(kube::Client client, const kube::Informer& sources,
                                 server::WebhookRegistry& registry)
    : client_(std::move(client)),
      sources_(sources),
      registry_(registry),
      changes_(change_queue_options()),
      requests_(runtime::make_channel<std::string>(64)) {}

void StandbyWebhooks::changed(const kube::InformerEvent& event) {
  changes_.add(object_key(event.new_object.is_null() ? event.old_object : event.new_object));
}

void StandbyWebhooks::run(runtime::AbortSource& stop, const std::function<bool()>& skip) {
  runtime::AbortSource::Subscription stopping = stop.subscribe([this] { changes_.shut_down(); });
  while (std::optional<std::string> key = changes_.get()) {
    if (!skip()) sync(*key);
    changes_.done(*key);
  }
}

void StandbyWebhooks::sync(const std::string& key) {
  const auto [ns, name] = split_key(key);
  const std::optional<Json> source = sources_.get(ns, name);
  if (!source) {
    registry_.remove(key);
    return;
  }
  try {
    register_webhook(registry_, client_, key, api::parse_git_source_spec(Object(*source)));
  } catch (const Error& e) {
    // The leader reports it in the source's status; the standby only stays quiet.
    spdlog::debug("standby: webhook of GitSource {}: {}", key, e.message());
  }
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
    const auto [ns, name] = split_key(*key);
    const Json patch{{"metadata",
                      {{"annotations",
                        {{std::string(api::annotation::kReconcileRequestedAt),
                          // Microseconds: two pushes within a second are two requests.
                          kube::micro_time(std::chrono::system_clock::now())}}}}}};
    try {
      client_.merge_patch(git_sources(), ns, name, patch);
      spdlog::info("standby: asked the leader to fetch GitSource {} (webhook push)", *key);
    } catch (const Error& e) {
      spdlog::warn("standby: could not pass a webhook push for GitSource {} on: {}", *key,
                   e.message());
    }
  }
}

}  // namespace sluice::controller
