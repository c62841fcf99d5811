#pragma once

// An Application's inventory: the objects its last applied revision holds, as Flux records it
// in status.inventory.entries ({id: "<namespace>_<name>_<group>_<kind>", v: "<version>"}).
// Prune deletes what the previous inventory has and the new one lacks.

#include <optional>
#include <string>
#include <vector>

#include "core/object.h"

namespace sluice::apply {

struct InventoryEntry {
  ObjectId id;
  std::string version;  // the API version it was applied with ("v1", "v1beta1")

  GroupVersionKind gvk() const { return {id.group_kind.group, version, id.group_kind.kind}; }
  auto operator<=>(const InventoryEntry&) const = default;
};

class Inventory {
 public:
  Inventory() = default;
  // From status.inventory (null or absent: empty). Entries that do not parse are skipped: a
  // hand-edited status must not stop the reconcile (the objects they named are then not
  // pruned, never wrongly deleted).
  static Inventory from_status(const Json* inventory);
  // The objects of a revision.
  static Inventory of(const std::vector<Object>& objects);
  static Inventory of(std::vector<InventoryEntry> entries);

  Json to_json() const;  // {"entries": [...]}, sorted by id
  const std::vector<InventoryEntry>& entries() const noexcept { return entries_; }
  bool contains(const ObjectId& id) const;
  bool empty() const noexcept { return entries_.empty(); }

  // Entries of this inventory whose id `next` lacks, in deletion order: namespaced objects
  // first, then cluster-scoped ones, Namespaces and CRDs last (the reverse of apply order).
  std::vector<InventoryEntry> stale_in(const Inventory& next) const;
  // This inventory plus the entries of `other` it lacks (recorded before an apply, so that a
  // crash mid-apply leaves nothing sluice forgets to prune).
  Inventory merged_with(const Inventory& other) const;

  bool operator==(const Inventory&) const = default;

 private:
  void add(InventoryEntry entry);
  std::vector<InventoryEntry> entries_;  // sorted by id
};

}  // namespace sluice::apply
