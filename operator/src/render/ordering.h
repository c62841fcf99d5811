#pragma once
// Output order: kustomize's SortOrderTransformer, applied once to the final resources.
//
// "fifo" keeps the order resources were accumulated in. "legacy" (kustomize's default) ranks
// kinds by two lists: kinds in orderFirst come first in list order, kinds in orderLast come last
// in list order, every other kind in between; ties between different group/version/kinds are
// broken by the string "group_version_kind" (with ~G/~V/~K for empty parts), and resources of
// one group/version/kind by the string "<gvk>|<namespace>|<name>" (~X/~N when empty). These are
// string comparisons of the joined keys, not tuple comparisons, because that is what kustomize
// does and the two differ (e.g. namespace "a-b" sorts before "a" since '-' < '|').
#include <string>
#include <vector>

#include "core/object.h"
#include "render/kustomization.h"

namespace sluice::render {

// kustomize's default legacy lists (SortOrderTransformer.go, "DO NOT CHANGE").
const std::vector<std::string>& default_order_first();
const std::vector<std::string>& default_order_last();

// Sorts `objects` in place according to `options` (nullopt: legacy with the default lists).
void sort_resources(std::vector<Object>& objects, const std::optional<SortOptions>& options);

}  // namespace sluice::render
