#pragma once

// sluice's one JSON type. Objects keep their members in a sorted vector
// (core/sorted_flat_map.h), not a std::map: a rendered overlay or an informer's store holds
// thousands of objects at once, and tree nodes cost more than the data they hold. Iteration
// order is the same as std::map's (sorted keys).

#include <nlohmann/json.hpp>

#include "core/sorted_flat_map.h"

namespace sluice {

using Json = nlohmann::basic_json<SortedFlatMap>;

}  // namespace sluice
