#pragma once

// sluice's one JSON type. Objects keep their members in a sorted vector
// (core/sorted_flat_map.h), not a std::map: a rendered overlay or an informer's store holds
// thousands of objects at once, and tree nodes cost more than the data they hold. Iteration
// order is the same as std::map's (sorted keys). The heap handle of every string, object and
// array comes from node_pool (core/node_pool.h), without malloc's per-chunk overhead.

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/node_pool.h"
#include "core/sorted_flat_map.h"

namespace sluice {

using Json = nlohmann::basic_json<SortedFlatMap, std::vector, std::string, bool, std::int64_t,
                                  std::uint64_t, double, JsonAllocator>;

}  // namespace sluice
