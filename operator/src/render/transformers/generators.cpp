#include "render/transformers/generators.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "core/base64.h"
#include "core/error.h"
#include "core/go_unicode.h"
#include "render/build_metadata.h"
#include "render/hidden_keys.h"
#include "render/metadata_maps.h"
#include "render/name_history.h"
#include "render/resource_id.h"

namespace sluice::render::transformers {
namespace {

// bufio.Scanner's default MaxScanTokenSize: a line must fit with its "\n".
constexpr std::size_t kMaxEnvLineBytes = std::size_t{64} << 10;

bool is_valid_utf8(std::string_view text) {
  while (!text.empty()) {
    const goyaml::DecodedRune decoded = goyaml::decode_rune(text);
    if (decoded.rune == goyaml::kRuneError && decoded.size == 1) return false;
    text.remove_prefix(decoded.size);
  }
  return true;
}

// unicode.IsSpace.
bool is_go_space(char32_t rune) {
  switch (rune) {
    case U'\t':
    case U'\n':
    case U'\v':
    case U'\f':
    case U'\r':
    case U' ':
    case U'\u0085':
    case U'\u00A0':
    case U'\u1680':
    case U'\u2028':
    case U'\u2029':
    case U'\u202F':
    case U'\u205F':
    case U'\u3000':
      return true;
    default:
      return rune >= U'\u2000' && rune <= U'\u200A';
  }
}

std::string_view trim_left_space(std::string_view text) {
  while (!text.empty()) {
    const goyaml::DecodedRune decoded = goyaml::decode_rune(text);
    if (!is_go_space(decoded.rune)) break;
    text.remove_prefix(decoded.size);
  }
  return text;
}

// Go's path.Base.
std::string path_base(std::string path) {
  if (path.empty()) return ".";
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  if (path == "/") return path;
  const std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string remove_quotes(const std::string& text) {
  if (text.size() < 2 || text.front() != text.back()) return text;
  if (text.front() == '"' || text.front() == '\'') return text.substr(1, text.size() - 2);
  return text;
}

std::vector<KeyValue> load_pairs(const GeneratorArgs& args, const GeneratorFileReader& read_file) {
  std::vector<KeyValue> pairs;
  for (const std::string& path : args.envs) {
    try {
      for (KeyValue& pair : parse_env_file(read_file(path))) pairs.push_back(std::move(pair));
    } catch (const Error& e) {
      throw e.with_context("loading KV pairs: env source file '" + path + "'");
    }
  }
  for (const std::string& literal : args.literals) {
    try {
      pairs.push_back(parse_literal_source(literal));
    } catch (const Error& e) {
      throw e.with_context("loading KV pairs: literal source '" + literal + "'");
    }
  }
  for (const std::string& source : args.files) {
    try {
      KeyValue pair = parse_file_source(source);
      pair.value = read_file(pair.value);
      pairs.push_back(std::move(pair));
    } catch (const Error& e) {
      throw e.with_context("loading KV pairs: file source '" + source + "'");
    }
  }
  return pairs;
}

void set_string_map(Json& metadata, const char* field, const StringMap& values) {
  if (values.empty()) {
    metadata.erase(field);
    return;
  }
  Json& target = metadata[field];
  target = Json::object();
  for (const auto& [key, value] : values) target[key] = value;
}

// The old entries `generated` lacks, under `field` ("data", "binaryData"); an empty result
// removes the field, as kyaml's SetDataMap does.
void merge_map_field(Json& generated, const Json& old, const char* field) {
  Json merged = Json::object();
  if (const auto it = old.find(field); it != old.end() && it->is_object()) merged = *it;
  if (const auto it = generated.find(field); it != generated.end() && it->is_object()) {
    for (const auto& [key, value] : it->items()) merged[key] = value;
  }
  if (merged.empty()) {
    generated.erase(field);
  } else {
    generated[field] = std::move(merged);
  }
}

void copy_merge_metadata(Object& generated, const Object& old) {
  StringMap labels = kyaml_metadata_map(generated.json(), "labels");
  for (const auto& [key, value] : kyaml_metadata_map(old.json(), "labels")) {
    labels.emplace(key, value);
  }
  StringMap annotations = kyaml_metadata_map(generated.json(), "annotations");
  for (const auto& [key, value] : kyaml_metadata_map(old.json(), "annotations")) {
    annotations.emplace(key, value);
  }
  Json& metadata = generated.json()["metadata"];
  set_string_map(metadata, "labels", labels);
  set_string_map(metadata, "annotations", annotations);
  generated.set_name(old.name());
  generated.set_namespace(old.namespace_name());

  Json& json = generated.json();
  const Json& old_json = old.json();
  // kustomize's CopyMergeMetaDataFieldsFrom takes the build annotations (the id history, the
  // prefixes and suffixes) from the old resource, and its vars (refVarNames) with them.
  for (const std::string_view hidden :
       {kPreviousIdsKey, kNamePrefixesKey, kNameSuffixesKey, kBoundVarsKey}) {
    const std::string key(hidden);
    json.erase(key);
    if (old_json.contains(key)) json[key] = old_json.at(key);
  }
  if (!old_json.contains(std::string(kNeedsHashKey))) json.erase(std::string(kNeedsHashKey));
}

// Whether `existing` has, or has had, the id `id` (kustomize's GetMatchingResourcesByAnyId).
bool matches_any_id(const Object& existing, const ResourceId& id) {
  const std::vector<ResourceId> ids = all_ids(existing);
  return std::any_of(ids.begin(), ids.end(),
                     [&](const ResourceId& each) { return each.same_as(id); });
}

}  // namespace

std::vector<KeyValue> parse_env_file(std::string_view content) {
  std::vector<KeyValue> pairs;
  std::size_t line_number = 0;
  while (!content.empty()) {
    const std::size_t newline = content.find('\n');
    std::string_view line = content.substr(0, newline);
    if (line.size() >= kMaxEnvLineBytes) break;
    content.remove_prefix(newline == std::string_view::npos ? content.size() : newline + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    ++line_number;
    if (!is_valid_utf8(line)) {
      throw invalid_argument("line " + std::to_string(line_number) + " has invalid UTF-8 bytes");
    }
    if (line_number == 1 && line.starts_with("\xEF\xBB\xBF")) line.remove_prefix(3);
    line = trim_left_space(line);
    if (line.empty() || line.front() == '#') continue;
    const std::size_t equals = line.find('=');
    KeyValue pair;
    pair.key = std::string(line.substr(0, equals));
    if (equals != std::string_view::npos) pair.value = std::string(line.substr(equals + 1));
    if (!pair.key.empty()) pairs.push_back(std::move(pair));
  }
  return pairs;
}

KeyValue parse_literal_source(const std::string& source) {
  const std::size_t equals = source.find('=');
  if (equals == 0 || equals == std::string::npos) {
    throw invalid_argument("invalid literal source " + source + ", expected key=value");
  }
  return {source.substr(0, equals), remove_quotes(source.substr(equals + 1))};
}

KeyValue parse_file_source(const std::string& source) {
  const std::size_t equals = source.find('=');
  if (equals == std::string::npos) return {path_base(source), source};
  if (equals == 0) {
    throw invalid_argument("missing key name for file path \"" + source.substr(1) +
                           "\" in source \"" + source + "\"");
  }
  KeyValue pair{source.substr(0, equals), source.substr(equals + 1)};
  if (pair.value.find('=') != std::string::npos) {
    throw invalid_argument("source \"" + source + "\" key name or file path contains '='");
  }
  if (pair.value.empty()) {
    throw invalid_argument("missing file path for key name \"" + pair.key + "\" in source \"" +
                           source + "\"");
  }
  return pair;
}

std::string encode_base64_lines(std::string_view bytes) {
  std::string encoded = encode_base64(bytes);
  constexpr std::size_t kLine = 70;
  if (encoded.size() < kLine) return encoded;
  std::string out;
  for (std::size_t i = 0; i < encoded.size(); i += kLine) {
    out.append(encoded, i, kLine);
    out += '\n';
  }
  return out;
}

Object generate(const GeneratorArgs& args, const GeneratorFileReader& read_file) {
  if (args.name.empty()) throw invalid_argument("a configmap must have a name");
  Object object;
  object.set_api_version("v1");
  object.set_kind(args.kind);
  object.set_name(args.name);
  if (!args.namespace_.empty()) object.set_namespace(args.namespace_);
  Json& json = object.json();
  const bool secret = args.kind == "Secret";
  if (secret) json["type"] = args.type.empty() ? "Opaque" : args.type;

  std::map<std::string, std::string> values;
  for (KeyValue& pair : load_pairs(args, read_file)) {
    if (values.contains(pair.key)) {
      throw invalid_argument("configmap " + args.name + " illegally repeats the key `" + pair.key +
                             "`");
    }
    values.emplace(std::move(pair.key), std::move(pair.value));
  }
  if (secret) json["data"] = Json::object();
  for (const auto& [key, value] : values) {
    if (secret) {
      json["data"][key] = encode_base64_lines(value);
    } else if (is_valid_utf8(value)) {
      json["data"][key] = value;
    } else {
      json["binaryData"][key] = encode_base64_lines(value);
    }
  }
  if (args.options) {
    for (const auto& [key, value] : args.options->labels) object.set_label(key, value);
    for (const auto& [key, value] : args.options->annotations) object.set_annotation(key, value);
    if (args.options->immutable) json["immutable"] = true;
  }
  if (!args.options || !args.options->disable_name_suffix_hash) {
    json[std::string(kNeedsHashKey)] = true;
  }
  return object;
}

void absorb_generated(std::vector<Object>& resources, Object generated,
                      GenerationBehavior behavior) {
  const ResourceId id = ResourceId::of(generated);
  std::optional<std::size_t> match;
  for (std::size_t i = 0; i < resources.size(); ++i) {
    if (!matches_any_id(resources[i], id)) continue;
    if (match) {
      throw invalid_argument("found multiple objects that could accept merge of " + id.to_string());
    }
    match = i;
  }
  const bool merge = behavior == GenerationBehavior::kMerge;
  const bool replace = behavior == GenerationBehavior::kReplace;
  if (!match) {
    if (merge || replace) {
      throw invalid_argument("id " + id.to_string() + " does not exist; cannot merge or replace");
    }
    resources.push_back(std::move(generated));
    return;
  }
  if (!merge && !replace) {
    throw invalid_argument("id " + id.to_string() + " exists; behavior must be merge or replace");
  }
  const Object& old = resources[*match];
  copy_merge_metadata(generated, old);
  if (merge) {
    merge_map_field(generated.json(), old.json(), "data");
    merge_map_field(generated.json(), old.json(), "binaryData");
    // A merge keeps where the resource first came from (buildMetadata's origin).
    const StringMap old_annotations = kyaml_metadata_map(old.json(), "annotations");
    const auto origin = old_annotations.find(kOriginAnnotation);
    if (origin != old_annotations.end()) {
      generated.json()["metadata"]["annotations"][std::string(kOriginAnnotation)] = origin->second;
    }
  }
  resources[*match] = std::move(generated);
}

}  // namespace sluice::render::transformers
