#include "render/transformers/generator_args.h"

#include <algorithm>
#include <initializer_list>
#include <string_view>

#include "core/error.h"
#include "render/struct_fields.h"

namespace sluice::render::transformers {
namespace {

[[noreturn]] void wrong_type(std::string_view where, std::string_view expected) {
  throw invalid_argument("invalid Kustomization: field '" + std::string(where) + "' must be " +
                         std::string(expected));
}

const Json* field(const Json& item, std::string_view name) {
  const auto it = item.find(std::string(name));
  if (it == item.end() || it->is_null()) return nullptr;
  return &*it;
}

std::string string_field(const Json& item, std::string_view where, std::string_view name) {
  const Json* value = field(item, name);
  if (value == nullptr) return {};
  if (!value->is_string()) wrong_type(std::string(where) + "." + std::string(name), "a string");
  return value->get<std::string>();
}

bool bool_field(const Json& item, std::string_view where, std::string_view name) {
  const Json* value = field(item, name);
  if (value == nullptr) return false;
  if (!value->is_boolean()) {
    wrong_type(std::string(where) + "." + std::string(name), "true or false");
  }
  return value->get<bool>();
}

std::vector<std::string> string_list(const Json& item, std::string_view where,
                                     std::string_view name) {
  std::vector<std::string> out;
  const Json* value = field(item, name);
  if (value == nullptr) return out;
  const std::string path = std::string(where) + "." + std::string(name);
  if (!value->is_array()) wrong_type(path, "a list of strings");
  for (const Json& entry : *value) {
    if (!entry.is_string()) wrong_type(path, "a list of strings");
    out.push_back(entry.get<std::string>());
  }
  return out;
}

StringMap string_map(const Json& item, std::string_view where, std::string_view name) {
  StringMap out;
  const Json* value = field(item, name);
  if (value == nullptr) return out;
  const std::string path = std::string(where) + "." + std::string(name);
  if (!value->is_object()) wrong_type(path, "a map of strings");
  for (const auto& [key, entry] : value->items()) {
    if (!entry.is_string()) wrong_type(path + "." + key, "a string (quote it)");
    out.emplace(key, entry.get<std::string>());
  }
  return out;
}

GeneratorArgs parse_generator(const Json& item, const std::string& kind) {
  const std::string where = kind == "Secret" ? "secretGenerator" : "configMapGenerator";
  if (kind == "Secret") {
    check_struct_fields(
        item, where,
        {"name", "namespace", "behavior", "literals", "files", "envs", "env", "options", "type"});
  } else {
    check_struct_fields(
        item, where,
        {"name", "namespace", "behavior", "literals", "files", "envs", "env", "options"});
  }
  GeneratorArgs args;
  args.kind = kind;
  args.name = string_field(item, where, "name");
  args.namespace_ = string_field(item, where, "namespace");
  args.behavior = parse_behavior(string_field(item, where, "behavior"));
  args.literals = string_list(item, where, "literals");
  args.files = string_list(item, where, "files");
  args.envs = string_list(item, where, "envs");
  if (std::string env = string_field(item, where, "env"); !env.empty()) {
    args.envs.push_back(std::move(env));
  }
  if (const Json* options = field(item, "options")) {
    args.options = parse_generator_options(*options);
  }
  if (kind == "Secret") args.type = string_field(item, where, "type");
  return args;
}

}  // namespace

GenerationBehavior parse_behavior(const std::string& text) {
  if (text == "create") return GenerationBehavior::kCreate;
  if (text == "merge") return GenerationBehavior::kMerge;
  if (text == "replace") return GenerationBehavior::kReplace;
  return GenerationBehavior::kUnspecified;
}

std::vector<GeneratorArgs> parse_generator_list(const Json& value, const std::string& kind) {
  std::vector<GeneratorArgs> out;
  if (value.is_null()) return out;
  if (!value.is_array()) {
    wrong_type(kind == "Secret" ? "secretGenerator" : "configMapGenerator", "a list");
  }
  for (const Json& item : value) out.push_back(parse_generator(item, kind));
  return out;
}

GeneratorOptions parse_generator_options(const Json& value) {
  check_struct_fields(value, "generatorOptions",
                      {"labels", "annotations", "disableNameSuffixHash", "immutable"});
  GeneratorOptions options;
  options.labels = string_map(value, "generatorOptions", "labels");
  options.annotations = string_map(value, "generatorOptions", "annotations");
  options.disable_name_suffix_hash = bool_field(value, "generatorOptions", "disableNameSuffixHash");
  options.immutable = bool_field(value, "generatorOptions", "immutable");
  return options;
}

std::optional<GeneratorOptions> merge_global_options(
    std::optional<GeneratorOptions> local, const std::optional<GeneratorOptions>& global) {
  if (!global) return local;
  if (!local) local.emplace();
  // emplace keeps what the entry already has.
  for (const auto& [key, value] : global->labels) local->labels.emplace(key, value);
  for (const auto& [key, value] : global->annotations) local->annotations.emplace(key, value);
  local->disable_name_suffix_hash =
      local->disable_name_suffix_hash || global->disable_name_suffix_hash;
  local->immutable = local->immutable || global->immutable;
  return local;
}

}  // namespace sluice::render::transformers
