#include "render/transformers/patches.h"

#include <regex>
#include <set>

#include "core/error.h"
#include "core/yaml_reader.h"
#include "render/metadata_maps.h"
#include "render/resource_id.h"
#include "render/transformers/json_patch.h"

namespace sluice::render::transformers {
namespace {

std::string trim(std::string_view text) {
  const std::size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return {};
  const std::size_t end = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(begin, end - begin + 1));
}

std::vector<std::string> split_top_level(std::string_view text) {
  // Commas inside "in (a,b)" do not separate requirements.
  std::vector<std::string> parts;
  std::string current;
  int depth = 0;
  for (const char c : text) {
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (c == ',' && depth == 0) {
      parts.push_back(trim(current));
      current.clear();
    } else {
      current += c;
    }
  }
  parts.push_back(trim(current));
  return parts;
}

bool requirement_holds(const std::string& requirement, const StringMap& labels) {
  if (requirement.empty()) throw invalid_argument("invalid selector: empty requirement");
  if (requirement.front() == '!') return !labels.contains(trim(requirement.substr(1)));
  static const std::regex set_based(R"(^([^\s!=(),]+)\s+(in|notin)\s*\(([^()]*)\)$)");
  std::smatch match;
  if (std::regex_match(requirement, match, set_based)) {
    std::set<std::string> values;
    for (const std::string& value : split_top_level(match[3].str())) values.insert(value);
    const auto found = labels.find(match[1].str());
    const bool in = found != labels.end() && values.contains(found->second);
    return match[2] == "in" ? in : !in;
  }
  static const std::regex equality(R"(^([^\s!=(),]+)\s*(==|=|!=)\s*([^\s!=(),]*)$)");
  if (std::regex_match(requirement, match, equality)) {
    const auto found = labels.find(match[1].str());
    const bool equal = found != labels.end() && found->second == match[3].str();
    return match[2] == "!=" ? !equal : equal;
  }
  static const std::regex exists(R"(^[^\s!=(),]+$)");
  if (std::regex_match(requirement, exists)) return labels.contains(requirement);
  throw invalid_argument("invalid selector: '" + requirement + "'");
}

std::regex anchored(const std::string& pattern, std::string_view what) {
  try {
    return std::regex("^(?:" + pattern + ")$");
  } catch (const std::regex_error&) {
    throw invalid_argument("target " + std::string(what) + " '" + pattern +
                           "' is not a valid regular expression");
  }
}

// kustomize compares namespaces as ResId.EffectiveNamespace: empty is "default", and
// cluster-scoped kinds have none.
std::string effective_namespace(const Object& object, const std::string& namespace_) {
  if (is_cluster_scoped(object.api_version(), object.kind())) return "_non_namespaceable_";
  return namespace_.empty() ? "default" : namespace_;
}

}  // namespace

bool matches_label_selector(std::string_view selector, const StringMap& labels) {
  const std::string text = trim(selector);
  if (text.empty()) return true;
  for (const std::string& requirement : split_top_level(text)) {
    if (!requirement_holds(requirement, labels)) return false;
  }
  return true;
}

std::vector<std::size_t> select_targets(const std::vector<Object>& objects,
                                        const PatchTarget& target,
                                        const std::vector<OriginalId>* original) {
  const auto optional_regex = [](const std::string& pattern, std::string_view what) {
    return pattern.empty() ? std::regex() : anchored(pattern, what);
  };
  const std::regex group = optional_regex(target.group, "group");
  const std::regex version = optional_regex(target.version, "version");
  const std::regex kind = optional_regex(target.kind, "kind");
  const std::regex name = optional_regex(target.name, "name");
  const std::regex namespace_regex = optional_regex(target.namespace_, "namespace");
  const auto matches = [](const std::string& pattern, const std::regex& regex,
                          const std::string& value) {
    return pattern.empty() || std::regex_match(value, regex);
  };
  std::vector<std::size_t> selected;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    const Object& object = objects[i];
    const bool has_original = original != nullptr && i < original->size();
    const std::string current_ns = effective_namespace(object, object.namespace_name());
    const std::string original_ns =
        has_original ? effective_namespace(object, (*original)[i].namespace_) : current_ns;
    if (!matches(target.namespace_, namespace_regex, original_ns) &&
        !matches(target.namespace_, namespace_regex, current_ns)) {
      continue;
    }
    const std::string original_name = has_original ? (*original)[i].name : object.name();
    if (!matches(target.name, name, original_name) && !matches(target.name, name, object.name())) {
      continue;
    }
    const GroupVersionKind gvk = object.gvk();
    if (!matches(target.group, group, gvk.group) ||
        !matches(target.version, version, gvk.version) || !matches(target.kind, kind, gvk.kind)) {
      continue;
    }
    if (!matches_label_selector(target.label_selector,
                                kyaml_metadata_map(object.json(), "labels")) ||
        !matches_label_selector(target.annotation_selector,
                                kyaml_metadata_map(object.json(), "annotations"))) {
      continue;
    }
    selected.push_back(i);
  }
  return selected;
}

bool is_json6902(std::string_view text) {
  const std::string body = trim(text);
  if (body.starts_with("[")) return true;
  try {
    const std::vector<Json> docs = parse_yaml_documents(body);
    return docs.size() == 1 && docs.front().is_array();
  } catch (const Error&) {
    // kustomize tries both readings: YAML that kyaml refuses (a repeated key) can still be a
    // JSON 6902 patch, which sigs.k8s.io/yaml reads leniently.
    try {
      if (parse_yaml(body, {}, YamlSchema::kGoYamlV2).is_array()) return true;
    } catch (const Error&) {
    }
    throw;
  }
}

Json parse_json6902(std::string_view text) {
  // kustomize reads the text as given (inline `patches` come trimmed, patch files and
  // patchesJson6902's inline operations do not): trimming here would drop the line break that
  // a block scalar at the end of a file keeps.
  Json operations;
  if (text.starts_with("[")) {
    try {
      operations = Json::parse(text);
    } catch (const Json::exception& e) {
      throw invalid_argument(std::string("decoding JSON 6902 patch: ") + e.what());
    }
  } else {
    operations = parse_yaml(text, {}, YamlSchema::kGoYamlV2);
  }
  if (!operations.is_array()) {
    throw invalid_argument("a JSON 6902 patch must be a list of operations");
  }
  if (operations.empty()) throw invalid_argument("patch appears to be empty");
  for (const Json& operation : operations) {
    if (!operation.is_object() || !operation.contains("op") || !operation["op"].is_string()) {
      throw invalid_argument("a JSON 6902 operation must be a map with an 'op'");
    }
  }
  return operations;
}

void apply_json6902(std::vector<Object>& objects, const std::vector<std::size_t>& selected,
                    const Json& operations) {
  for (const std::size_t index : selected) {
    Object& object = objects[index];
    Json patched;
    try {
      patched = apply_json_patch(object.json(), operations);
    } catch (const Error& e) {
      throw e.with_context("applying JSON 6902 patch to " + object.kind() + " " + object.name());
    }
    if (!patched.is_object()) {
      throw invalid_argument("a JSON 6902 patch turned " + object.kind() + " " + object.name() +
                             " into something that is not a map");
    }
    rewrite_metadata_map(patched, "annotations");
    object = Object(std::move(patched));
  }
}

}  // namespace sluice::render::transformers
