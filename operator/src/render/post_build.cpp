#include "render/post_build.h"

#include <algorithm>

#include "core/error.h"
#include "core/yaml_reader.h"
#include "core/yaml_writer.h"
#include "render/envsubst.h"

namespace sluice::render {
namespace {

constexpr std::string_view kDisabled = "disabled";
constexpr std::string_view kFluxSubstituteKey = "kustomize.toolkit.fluxcd.io/substitute";
constexpr std::string_view kSluiceSubstituteKey = "sluice.dev/substitute";

bool is_ascii_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool valid_name(std::string_view name) {
  if (name.empty() || !(is_ascii_alpha(name.front()) || name.front() == '_')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return is_ascii_alpha(c) || c == '_' || (c >= '0' && c <= '9');
  });
}

bool substitution_disabled(const Object& object) {
  for (const StringMap& map : {object.labels(), object.annotations()}) {
    for (std::string_view key : {kFluxSubstituteKey, kSluiceSubstituteKey}) {
      const auto found = map.find(key);
      if (found != map.end() && found->second == kDisabled) return true;
    }
  }
  return false;
}

}  // namespace

void validate_variable_names(const StringMap& variables) {
  for (const auto& [name, value] : variables) {
    if (!valid_name(name)) {
      throw invalid_argument("'" + name +
                             "' var name is invalid, must match "
                             "'^[_[:alpha:]][_[:alpha:][:digit:]]*$'");
    }
  }
}

void substitute_variables(std::vector<Object>& resources, const StringMap& variables) {
  if (variables.empty()) return;
  validate_variable_names(variables);
  StringMap values;
  for (const auto& [name, value] : variables) {
    std::string flat = value;
    std::erase(flat, '\n');
    values.emplace(name, std::move(flat));
  }
  const VariableLookup lookup = [&values](std::string_view name) {
    const auto found = values.find(name);
    return found == values.end() ? std::string() : found->second;
  };
  for (Object& object : resources) {
    if (substitution_disabled(object)) continue;
    const std::string where = object.kind() + "/" + object.name();
    try {
      Json expanded = parse_yaml(expand_variables(write_yaml(object.json()), lookup));
      if (!expanded.is_object()) throw invalid_argument("the result is not a YAML map");
      object = Object(std::move(expanded));
    } catch (const Error& e) {
      throw e.with_context(where);
    }
  }
}

}  // namespace sluice::render
