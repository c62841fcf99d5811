#include "kube/reflector.h"

#include <utility>

namespace sluice::kube {

ReflectorState::ReflectorState(runtime::BackoffPolicy backoff, runtime::RandomSource random)
    : backoff_(backoff, random ? std::move(random) : runtime::default_random_source()) {}

ReflectorState::Action ReflectorState::next_action() const noexcept {
  return must_list_ || resource_version_.empty() ? Action::kList : Action::kWatch;
}

void ReflectorState::resume_from(std::string resource_version) {
  resource_version_ = std::move(resource_version);
  must_list_ = resource_version_.empty();
}

void ReflectorState::listed(std::string resource_version) {
  resource_version_ = std::move(resource_version);
  must_list_ = false;
  backoff_.reset();
}

void ReflectorState::observed(const std::string& resource_version) {
  if (!resource_version.empty()) resource_version_ = resource_version;
  backoff_.reset();
}

std::chrono::nanoseconds ReflectorState::failed(const Error& error) {
  if (error.code() == ErrorCode::kGone) {
    must_list_ = true;
    resource_version_.clear();
    // A first 410 is the normal "history moved on": relist right away.
    if (backoff_.failures() == 0) {
      backoff_.next();
      return std::chrono::nanoseconds(0);
    }
  }
  return backoff_.next();
}

Reflector::Reflector(Client client, Resource resource, std::string ns, ReflectorSink& sink,
                     ReflectorOptions options)
    : client_(std::move(client)),
      resource_(std::move(resource)),
      ns_(std::move(ns)),
      sink_(sink),
      options_(std::move(options)),
      state_(options_.backoff, options_.random) {
  if (!options_.clock) options_.clock = runtime::SystemClock::instance();
  if (!options_.resume_from.empty()) state_.resume_from(options_.resume_from);
}

void Reflector::run(runtime::AbortSource& abort) {
  while (!abort.abort_requested()) {
    try {
      if (state_.next_action() == ReflectorState::Action::kList) {
        list_once(abort);
      } else {
        watch_once(abort);
      }
    } catch (const Error& e) {
      if (abort.abort_requested()) return;
      if (options_.on_error) options_.on_error(e);
      const auto delay = state_.failed(e);
      try {
        runtime::sleep_for(std::chrono::duration_cast<runtime::Clock::Duration>(delay), abort,
                           *options_.clock);
      } catch (const Error&) {
        return;  // aborted while waiting
      }
    }
  }
}

void Reflector::list_once(runtime::AbortSource& abort) {
  ++lists_;
  ListOptions list_options{.label_selector = options_.label_selector,
                           .field_selector = options_.field_selector,
                           .limit = options_.page_size,
                           .continue_token = {}};
  std::string resource_version;
  sink_.begin_replace();
  for (;;) {
    abort.check();
    ListPage page = client_.list(resource_, ns_, list_options);
    // Every page of a paginated list is served from the first page's snapshot.
    if (resource_version.empty()) resource_version = page.resource_version;
    sink_.add_page(std::move(page.items));
    if (page.continue_token.empty()) break;
    list_options.continue_token = std::move(page.continue_token);
  }
  sink_.end_replace(resource_version);
  state_.listed(resource_version);
}

void Reflector::watch_once(runtime::AbortSource& abort) {
  ++watches_;
  WatchOptions watch_options;
  watch_options.resource_version = state_.resource_version();
  watch_options.label_selector = options_.label_selector;
  watch_options.field_selector = options_.field_selector;
  watch_options.timeout = options_.watch_timeout;
  WatchStream stream = client_.watch(resource_, ns_, watch_options);
  runtime::Clock& clock = *options_.clock;
  const auto started = clock.now();
  std::uint64_t received = 0;
  while (auto event = stream.next(abort)) {
    ++received;
    const std::string version = event->resource_version();
    if (event->type != WatchEventType::kBookmark) sink_.apply(std::move(*event));
    state_.observed(version);
  }
  if (received == 0 && clock.now() - started < std::chrono::seconds(1)) {
    throw Error(ErrorCode::kUnavailable,
                "WATCH " + resource_.collection_path(ns_) +
                    ": the server closed the watch at once without any event");
  }
  state_.watch_ended();
}

}  // namespace sluice::kube
