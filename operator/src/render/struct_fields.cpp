#include "render/struct_fields.h"

#include <algorithm>
#include <string>

#include "core/error.h"

namespace sluice::render {

void check_struct_fields(const Json& item, std::string_view what,
                         std::initializer_list<std::string_view> fields) {
  if (!item.is_object()) {
    throw invalid_argument("invalid Kustomization: each entry of '" + std::string(what) +
                           "' must be a map");
  }
  for (const auto& [key, value] : item.items()) {
    if (std::find(fields.begin(), fields.end(), key) == fields.end()) {
      throw invalid_argument("invalid Kustomization: json: unknown field \"" + key + "\"");
    }
  }
}

}  // namespace sluice::render
