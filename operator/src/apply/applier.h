#pragma once

// The apply verb: server-side apply of a set of objects, staged (apply/staging.h), each stage in
// bounded parallel, with field manager "sluice" and forced field ownership (as Flux: sluice is
// the source of truth for the fields it applies, so a conflict with another manager is taken
// over, which is also how drift is put back).
//
//  * A stage's failures do not stop the rest of that stage, but the later stages are skipped
//    (their custom resources or bindings would fail for the same reason); every object gets a
//    result.
//  * After CustomResourceDefinitions are applied, the applier waits (polling) until each is
//    Established and refreshes the REST mapper, so the custom resources of the next stage map.
//  * An apply refused because an immutable field changed fails, unless recreate_immutable
//    (Application spec.force): then the object is deleted, its disappearance awaited, and it is
//    applied again (kRecreated).
//  * created / configured / unchanged is told from the live object in the watch cache before
//    the apply and the resourceVersion the server answers with.

#include <chrono>
#include <cstddef>
#include <vector>

#include "apply/live_objects.h"
#include "apply/result.h"
#include "kube/client.h"
#include "kube/discovery.h"
#include "runtime/abort_source.h"
#include "runtime/fiber_pool.h"

namespace sluice::apply {

struct ApplierOptions {
  std::size_t parallelism = 8;
  bool recreate_immutable = false;
  // Bound on each wait: a CRD becoming Established, a recreated object disappearing.
  std::chrono::steady_clock::duration wait_timeout = std::chrono::minutes(2);
  std::chrono::steady_clock::duration poll_interval = std::chrono::milliseconds(250);
  runtime::ClockPtr clock = runtime::SystemClock::instance();
};

// One server-side apply of `object` as sluice sends it (field manager "sluice", forced
// ownership); `dry_run`: dryRun=All, so admission and validation run, the answer is the object
// the apply would produce, and nothing is stored (`sluice diff`).
Json server_side_apply(const kube::Client& client, const kube::Resource& resource,
                       const std::string& ns, const Object& object, bool dry_run = false);

class Applier {
 public:
  // `client` may impersonate (Application spec.serviceAccountName). Must run on a fiber of
  // `pool` (it starts sibling fibers there).
  Applier(kube::Client client, kube::RestMapper& mapper, const LiveObjects& live,
          runtime::FiberPool& pool, ApplierOptions options = {});

  Results apply(std::vector<Object> objects, runtime::AbortSource& abort);

 private:
  ObjectResult apply_one(const Object& object, runtime::AbortSource& abort);
  Json recreate(const kube::Resource& resource, const Object& object, const Json& live_before,
                runtime::AbortSource& abort);
  // Marks CRDs that do not become Established in time as failed.
  void wait_established(std::vector<ObjectResult>& results, runtime::AbortSource& abort);
  std::vector<ObjectResult> apply_stage(const std::vector<Object>& objects,
                                        runtime::AbortSource& abort);

  kube::Client client_;
  kube::RestMapper& mapper_;
  const LiveObjects& live_;
  runtime::FiberPool& pool_;
  ApplierOptions options_;
};

}  // namespace sluice::apply
