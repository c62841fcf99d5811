#include "apply/inventory.h"

#include <algorithm>

#include "apply/staging.h"
#include "core/error.h"

namespace sluice::apply {

void Inventory::add(InventoryEntry entry) {
  const auto it = std::lower_bound(
      entries_.begin(), entries_.end(), entry,
      [](const InventoryEntry& a, const InventoryEntry& b) { return a.id < b.id; });
  if (it != entries_.end() && it->id == entry.id) {
    *it = std::move(entry);
    return;
  }
  entries_.insert(it, std::move(entry));
}

Inventory Inventory::from_status(const Json* inventory) {
  Inventory out;
  if (inventory == nullptr || !inventory->is_object()) return out;
  const auto entries = inventory->find("entries");
  if (entries == inventory->end() || !entries->is_array()) return out;
  for (const Json& entry : *entries) {
    if (!entry.is_object()) continue;
    const auto id = entry.find("id");
    const auto version = entry.find("v");
    if (id == entry.end() || !id->is_string() || version == entry.end() || !version->is_string()) {
      continue;
    }
    try {
      out.add({ObjectId::parse(id->get<std::string>()), version->get<std::string>()});
    } catch (const Error&) {
      // Skipped: see the header.
    }
  }
  return out;
}

Inventory Inventory::of(const std::vector<Object>& objects) {
  Inventory out;
  for (const Object& object : objects) out.add({object.id(), object.gvk().version});
  return out;
}

Inventory Inventory::of(std::vector<InventoryEntry> entries) {
  Inventory out;
  for (InventoryEntry& entry : entries) out.add(std::move(entry));
  return out;
}

Json Inventory::to_json() const {
  Json entries = Json::array();
  for (const InventoryEntry& entry : entries_) {
    entries.push_back(Json{{"id", entry.id.to_string()}, {"v", entry.version}});
  }
  return Json{{"entries", std::move(entries)}};
}

bool Inventory::contains(const ObjectId& id) const {
  return std::binary_search(
      entries_.begin(), entries_.end(), InventoryEntry{id, ""},
      [](const InventoryEntry& a, const InventoryEntry& b) { return a.id < b.id; });
}

std::vector<InventoryEntry> Inventory::stale_in(const Inventory& next) const {
  std::vector<InventoryEntry> stale;
  for (const InventoryEntry& entry : entries_) {
    if (!next.contains(entry.id)) stale.push_back(entry);
  }
  std::stable_sort(stale.begin(), stale.end(),
                   [](const InventoryEntry& a, const InventoryEntry& b) {
                     return apply_stage(a.id.group_kind) > apply_stage(b.id.group_kind);
                   });
  // Within stage 0, Namespaces before CRDs: a CRD's deletion removes every custom resource of
  // its kind, in whatever namespace, so it goes last.
  std::stable_sort(stale.begin(), stale.end(),
                   [](const InventoryEntry& a, const InventoryEntry& b) {
                     return !is_crd(a.id.group_kind) && is_crd(b.id.group_kind);
                   });
  return stale;
}

Inventory Inventory::merged_with(const Inventory& other) const {
  Inventory out = *this;
  for (const InventoryEntry& entry : other.entries_) {
    if (!out.contains(entry.id)) out.add(entry);
  }
  return out;
}

}  // namespace sluice::apply
