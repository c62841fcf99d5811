#pragma once
// Shared by the apply unit tests. Every test file that compares a Health must include this:
// GoogleTest's printer for a type is instantiated once per binary, so a file without the
// PrintTo below would make failures everywhere print raw bytes.

#include <ostream>

#include "apply/health.h"

namespace sluice::apply {

inline void PrintTo(const Health& health, std::ostream* out) {
  *out << to_string(health.status) << " \"" << health.message << "\"";
  if (health.condition) {
    *out << " {" << health.condition->type << ", " << health.condition->reason << ", \""
         << health.condition->message << "\"}";
  }
}

}  // namespace sluice::apply
