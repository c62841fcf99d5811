#pragma once

// The schema of the SigningPolicy custom resource (sluice.dev/v1alpha1, cluster-scoped). The
// policy's types and its strict parser live in policy/signing_policy.h; this is the same shape
// for the API server, and tests parse the schema's example with that parser and check every
// field the parser knows is declared here (tests/unit/api/crds_test.cpp).

#include "api/schema.h"

namespace sluice::api {

const Schema& signing_policy_spec_schema();
const Schema& signing_policy_status_schema();

}  // namespace sluice::api
