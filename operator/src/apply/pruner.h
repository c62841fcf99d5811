#pragma once

// The delete verb: prune what a new revision no longer holds, or everything when an Application
// is deleted. An object is deleted only if the watch cache shows it still carrying the
// Application's ownership labels (someone may have adopted it, or another Application took it
// over) and not annotated sluice.dev/prune: disabled; the delete is conditioned on the uid seen,
// so an object recreated meanwhile by someone else survives. Objects already gone count as
// pruned. Deletion propagates in the background (the API server's garbage collector removes
// dependents), and the pruner does not wait for finalizers.

#include <string>
#include <vector>

#include "apply/inventory.h"
#include "apply/live_objects.h"
#include "apply/result.h"
#include "kube/client.h"
#include "kube/discovery.h"
#include "runtime/abort_source.h"

namespace sluice::apply {

struct Owner {
  std::string name;  // the Application
  std::string namespace_;
};

class Pruner {
 public:
  Pruner(kube::Client client, kube::RestMapper& mapper, LiveObjects& live);

  // Deletes `stale` in the order given (Inventory::stale_in's). A kind the server no longer
  // serves (its CRD is gone, and with it every object of the kind) counts as pruned.
  Results prune(const std::vector<InventoryEntry>& stale, const Owner& owner,
                runtime::AbortSource& abort);

 private:
  ObjectResult prune_one(const InventoryEntry& entry, const Owner& owner,
                         runtime::AbortSource& abort);

  kube::Client client_;
  kube::RestMapper& mapper_;
  LiveObjects& live_;
};

// Whether `object` carries the ownership labels of `owner`.
bool owned_by(const Json& object, const Owner& owner);

}  // namespace sluice::apply
