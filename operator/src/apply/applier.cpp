#include "apply/applier.h"

#include <atomic>
#include <memory>

#include "api/group.h"
#include "apply/staging.h"

namespace sluice::apply {
namespace {

std::string resource_version_of(const Json& object) {
  return string_member(object, {"metadata", "resourceVersion"});
}

bool immutable_field_changed(const Error& error) {
  return error.code() == ErrorCode::kInvalidArgument &&
         (error.message().find("field is immutable") != std::string::npos ||
          error.message().find("is immutable") != std::string::npos);
}

bool established(const Json& crd) {
  const Json* conditions = find_member(crd, {"status", "conditions"});
  if (conditions == nullptr || !conditions->is_array()) return false;
  for (const Json& condition : *conditions) {
    if (condition.value("type", "") == "Established" && condition.value("status", "") == "True") {
      return true;
    }
  }
  return false;
}

}  // namespace

Applier::Applier(kube::Client client, kube::RestMapper& mapper, const LiveObjects& live,
                 runtime::FiberPool& pool, ApplierOptions options)
    : client_(std::move(client)),
      mapper_(mapper),
      live_(live),
      pool_(pool),
      options_(std::move(options)) {}

Results Applier::apply(std::vector<Object> objects, runtime::AbortSource& abort) {
  Results results;
  bool failed = false;
  for (std::vector<Object>& stage : split_stages(std::move(objects))) {
    if (stage.empty()) continue;
    if (failed) {
      for (const Object& object : stage) {
        results.objects.push_back({object.id(), object.gvk().version, Action::kSkipped,
                                   std::nullopt, std::nullopt,
                                   "not applied: an earlier stage failed"});
      }
      continue;
    }
    std::vector<ObjectResult> applied = apply_stage(stage, abort);
    wait_established(applied, abort);
    for (const ObjectResult& result : applied) failed = failed || result.action == Action::kFailed;
    results.objects.insert(results.objects.end(), std::make_move_iterator(applied.begin()),
                           std::make_move_iterator(applied.end()));
  }
  return results;
}

std::vector<ObjectResult> Applier::apply_stage(const std::vector<Object>& objects,
                                               runtime::AbortSource& abort) {
  std::vector<ObjectResult> results(objects.size());
  // Shared with the worker fibers, which co-own it (see fiber_pool.h on lifetimes).
  auto next = std::make_shared<std::atomic<std::size_t>>(0);
  const std::size_t workers =
      std::max<std::size_t>(1, std::min(options_.parallelism, objects.size()));
  std::vector<boost::fibers::future<void>> done;
  done.reserve(workers);
  for (std::size_t w = 0; w < workers; ++w) {
    done.push_back(pool_.submit([this, next, &objects, &results, &abort] {
      for (std::size_t i = next->fetch_add(1); i < objects.size(); i = next->fetch_add(1)) {
        results[i] = apply_one(objects[i], abort);
      }
    }));
  }
  for (auto& worker : done) worker.get();
  return results;
}

ObjectResult Applier::apply_one(const Object& object, runtime::AbortSource& abort) {
  const GroupVersionKind gvk = object.gvk();
  ObjectResult result{object.id(), gvk.version, Action::kFailed, std::nullopt, std::nullopt, ""};
  try {
    abort.check();
    const kube::Resource resource = mapper_.resource_for(gvk);
    const std::string ns = resource.namespaced ? object.namespace_name() : std::string();
    const std::optional<Json> before = live_.get(gvk, ns, object.name());
    Json response;
    try {
      response = server_side_apply(client_, resource, ns, object);
      result.action = !before ? Action::kCreated
                      : resource_version_of(response) == resource_version_of(*before)
                          ? Action::kUnchanged
                          : Action::kConfigured;
    } catch (const Error& e) {
      if (!options_.recreate_immutable || !immutable_field_changed(e) || !before) throw;
      response = recreate(resource, object, *before, abort);
      result.action = Action::kRecreated;
    }
    result.state = applied_state(object.json(), response);
  } catch (const Error& e) {
    result.action = Action::kFailed;
    result.error = e;
  }
  return result;
}

Json Applier::recreate(const kube::Resource& resource, const Object& object,
                       const Json& live_before, runtime::AbortSource& abort) {
  const std::string ns = resource.namespaced ? object.namespace_name() : std::string();
  kube::DeleteOptions remove;
  remove.propagation = kube::PropagationPolicy::kBackground;
  if (std::string uid = string_member(live_before, {"metadata", "uid"}); !uid.empty()) {
    remove.precondition_uid = std::move(uid);
  }
  try {
    client_.remove(resource, ns, object.name(), remove);
  } catch (const Error& e) {
    if (e.code() != ErrorCode::kNotFound) throw;
  }
  const auto deadline = options_.clock->now() + options_.wait_timeout;
  for (;;) {
    try {
      client_.get(resource, ns, object.name());
    } catch (const Error& e) {
      if (e.code() != ErrorCode::kNotFound) throw;
      break;
    }
    if (options_.clock->now() >= deadline) {
      throw Error(ErrorCode::kDeadlineExceeded,
                  describe(object.id()) + ": still being deleted after the recreate timeout");
    }
    runtime::sleep_for(options_.poll_interval, abort, *options_.clock);
  }
  return server_side_apply(client_, resource, ns, object);
}

Json server_side_apply(const kube::Client& client, const kube::Resource& resource,
                       const std::string& ns, const Object& object, bool dry_run) {
  kube::ApplyOptions options;
  options.force = true;  // sluice owns what it applies (see the header)
  options.field_manager = std::string(api::kFieldManager);
  options.dry_run = dry_run;
  return client.apply(resource, ns, object.name(), object.json(), options);
}

void Applier::wait_established(std::vector<ObjectResult>& results, runtime::AbortSource& abort) {
  bool any = false;
  for (ObjectResult& result : results) {
    const bool changed = result.action == Action::kCreated ||
                         result.action == Action::kConfigured ||
                         result.action == Action::kRecreated;
    if (!is_crd(result.id.group_kind) || !changed) continue;
    any = true;
    try {
      const kube::Resource crds = mapper_.resource_for(
          {"apiextensions.k8s.io", result.version, "CustomResourceDefinition"});
      const auto deadline = options_.clock->now() + options_.wait_timeout;
      while (!established(client_.get(crds, "", result.id.name))) {
        if (options_.clock->now() >= deadline) {
          throw Error(ErrorCode::kDeadlineExceeded, "not Established in time");
        }
        runtime::sleep_for(options_.poll_interval, abort, *options_.clock);
      }
    } catch (const Error& e) {
      result.action = Action::kFailed;
      result.error = e;
    }
  }
  // The new kinds must map at once, whatever the mapper's refresh rate limit says.
  if (any) mapper_.refresh();
}

}  // namespace sluice::apply
