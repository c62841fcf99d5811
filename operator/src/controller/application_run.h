#pragma once

// The values an Application reconcile carries from phase to phase (controller/
// application_reconciler.h), and the memory it keeps between reconciles.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/application.h"
#include "apply/diff.h"
#include "apply/inventory.h"
#include "apply/result.h"
#include "apply/waiter.h"
#include "controller/artifact_store.h"
#include "core/error.h"
#include "core/object.h"
#include "policy/verdict.h"
#include "runtime/clock.h"

namespace sluice::controller {

// What an Application reconcile remembers until the next one, in memory (a restart starts
// over with one full apply). Only the reconcile of that Application touches it, and the work
// queue runs at most one reconcile per key at a time.
struct ApplicationMemory {
  std::int64_t generation = -1;  // of the spec last reconciled
  std::string render_base;       // fingerprint of the render's inputs but substituteFrom's values
  std::string render_inputs;     // fingerprint of everything the last render read
  std::shared_ptr<const std::vector<Object>> desired;  // its output, prepared for apply
  std::string desired_digest;                          // sha256 of the manifests
  std::string verdict_inputs;                          // fingerprint of the gate's inputs
  std::optional<policy::Verdict> verdict;
  apply::AppliedStates applied;           // what the server answered to each apply (apply/drift.h)
  runtime::Clock::TimePoint next_full{};  // when the interval asks for a full reconcile
  std::uint32_t failures = 0;             // in a row, for the retry backoff
  Json written;  // the server's answer to the last status write (controller/status_patch.h)
};

// A failure at one site of the reconcile: its reason constant (controller/reasons.h), what
// happened, and whether only a spec change can help (Stalled).
struct Failure {
  std::string_view reason;
  Error error;
  bool stalled = false;
};

// How a reconcile ended, for history, metrics and requeueing.
enum class Outcome {
  kApplied,    // the revision is applied (and healthy, when waiting)
  kFailed,     // an error; retried after retryInterval
  kBlocked,    // a signing policy refused the revision
  kWaiting,    // the source artifact or a dependency is not ready; retried
  kSuspended,  // spec.suspend: nothing written
  kDeferred,   // the source's revision is not fetched by this process yet: nothing written
  kGone,       // deleted (finalizer handled) or not in the cache any more
};

struct ApplicationRun {
  std::string key;  // "namespace/name"
  runtime::Clock::TimePoint started{};
  Json cached;  // the Application as the watch cache had it at the start
  Object application;
  api::ApplicationSpec spec;
  std::int64_t generation = 0;
  ApplicationMemory* memory = nullptr;
  bool full = false;  // interval due, or inputs changed: re-read substitutions, re-run the gate

  ArtifactPtr artifact;
  std::shared_ptr<const std::vector<Object>> desired;
  apply::Inventory previous_inventory;  // from status
  apply::Inventory inventory;           // what the status will record
  policy::Verdict verdict;
  bool verified = false;  // the gate gave a verdict (allowed or not) in this run
  apply::Plan plan;
  apply::Results applied;
  apply::Results pruned;
  std::optional<apply::HealthReport> health;

  Outcome outcome = Outcome::kApplied;
  std::optional<Failure> failure;

  bool done() const { return failure.has_value() || outcome != Outcome::kApplied; }
  void fail(std::string_view reason, Error error, bool stalled = false) {
    failure = Failure{reason, std::move(error), stalled};
    outcome = Outcome::kFailed;
  }
  std::string revision() const { return artifact ? artifact->revision : std::string(); }
};

}  // namespace sluice::controller
