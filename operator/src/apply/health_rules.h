#pragma once

// kstatus's rules for built-in kinds (internal to apply/health*.cpp), used by compute_health
// after the generic checks found nothing decisive. Each may throw Error(kInvalidArgument)
// where kstatus returns an error; compute_health turns that into kUnknown.

#include "apply/health.h"
#include "apply/health_fields.h"
#include "core/json.h"

namespace sluice::apply::detail {

// The signature every rule has; only pod_health looks at `now`.
using HealthRule = Health (*)(const Json& object, UnixTime now);

// The rule for kstatus's lookup key ("apps/Deployment", "Pod"; see group_kind_key), or nullptr.
HealthRule rule_for(std::string_view group_kind_key);

// health_workloads.cpp: the controllers that roll out replicas.
Health deployment_health(const Json& object, UnixTime now);
Health replica_set_health(const Json& object, UnixTime now);
Health stateful_set_health(const Json& object, UnixTime now);
Health daemon_set_health(const Json& object, UnixTime now);
Health job_health(const Json& object, UnixTime now);

// health_kinds.cpp: the other built-in kinds.
Health pod_health(const Json& object, UnixTime now);
Health persistent_volume_claim_health(const Json& object, UnixTime now);
Health service_health(const Json& object, UnixTime now);
Health pod_disruption_budget_health(const Json& object, UnixTime now);
Health custom_resource_definition_health(const Json& object, UnixTime now);
Health always_ready(const Json& object, UnixTime now);  // ConfigMap, Secret, CronJob

}  // namespace sluice::apply::detail
