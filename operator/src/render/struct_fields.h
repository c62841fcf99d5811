#pragma once
// kustomize decodes kustomization fields into Go structs with encoding/json and
// DisallowUnknownFields: a map entry may only hold the struct's fields.
#include <initializer_list>
#include <string_view>

#include "core/object.h"

namespace sluice::render {

// Throws kInvalidArgument unless `item` is a map whose keys are all in `fields`; `what` names
// the field it came from, for the message.
void check_struct_fields(const Json& item, std::string_view what,
                         std::initializer_list<std::string_view> fields);

}  // namespace sluice::render
