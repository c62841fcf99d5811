#pragma once
// The functions of envsubst's ${VAR<op>args} expressions (internal to envsubst.cpp).
#include <string>
#include <vector>

namespace sluice::render {

// Applies the operator `name` ("", ":-", "#", "//", "^^", ...) to a variable's `value` with its
// evaluated arguments, exactly as drone/envsubst's funcs.go does.
std::string apply_function(const std::string& name, const std::string& value,
                           const std::vector<std::string>& args);

}  // namespace sluice::render
