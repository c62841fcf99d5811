#pragma once

// Status conditions in the metav1.Condition shape, following the kstatus convention that
// kubectl wait, Flux and Argo CD read: `Ready` says whether the object reached its desired
// state; `Reconciling` (abnormal-true) is present while work is in progress; `Stalled`
// (abnormal-true) when progress stopped on an error that needs a person; sluice adds
// `Verified` (the signing policy's verdict) and `Healthy` (the applied objects' health).
//
// Each failure site in the controllers sets its own reason constant (controller/reasons.h);
// messages are for people. lastTransitionTime changes only when a condition's status does, so
// re-stating a condition is not a change (and costs no status write).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/schema.h"
#include "core/json.h"

namespace sluice::api {

namespace condition {
inline constexpr std::string_view kReady = "Ready";
inline constexpr std::string_view kReconciling = "Reconciling";
inline constexpr std::string_view kStalled = "Stalled";
inline constexpr std::string_view kVerified = "Verified";
inline constexpr std::string_view kHealthy = "Healthy";
}  // namespace condition

enum class ConditionStatus { kTrue, kFalse, kUnknown };
std::string_view to_string(ConditionStatus status);

struct Condition {
  std::string type;
  ConditionStatus status = ConditionStatus::kUnknown;
  std::string reason;
  std::string message;
  std::int64_t observed_generation = 0;
  std::string last_transition_time;  // RFC 3339, UTC, seconds

  Json to_json() const;
  // Lenient: a status written by someone else may lack fields; unknown status strings read
  // as kUnknown. Returns nullopt for something that is not a condition at all.
  static std::optional<Condition> from_json(const Json& json);
  bool operator==(const Condition&) const = default;
};

class Conditions {
 public:
  Conditions() = default;
  // From status.conditions (absent or malformed entries are skipped).
  static Conditions from_json(const Json* list);
  Json to_json() const;

  const Condition* find(std::string_view type) const;
  bool is_true(std::string_view type) const;

  // Sets `type`; keeps the previous lastTransitionTime when the status is unchanged, takes
  // `now` otherwise. Messages are cut to 32,768 bytes (the API's limit), keeping their head
  // and tail around a " [...] ".
  void set(std::string_view type, ConditionStatus status, std::string_view reason,
           std::string_view message, std::int64_t generation, const std::string& now);
  void remove(std::string_view type);

  const std::vector<Condition>& all() const noexcept { return items_; }
  bool operator==(const Conditions&) const = default;

 private:
  std::vector<Condition> items_;
};

// The schema of status.conditions.
Schema conditions_schema();

}  // namespace sluice::api
