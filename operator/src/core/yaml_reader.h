#pragma once

// Reads YAML into JSON trees the way kustomize (yaml.v3 decoding into interface{}) does, so
// that everything downstream works on one representation: sluice::Json (core/json.h).
//
// Scalar typing follows yaml.v3 for plain (unquoted) scalars: null (~, null, empty), bool
// (true/True/TRUE, false/...), ints (decimal, 0x, 0o, 0b, legacy 0777 octal, `_` separators),
// floats (1.5, .5, 1e3, .inf, .nan), and everything else a string. Quoted and block scalars are
// always strings, so "123" and "true" stay strings. YAML 1.1 words like yes/no/on/off are
// strings. Anchors, aliases and `<<` merge keys are expanded. Duplicate keys are an error
// (but see kGoYamlV2).
//
// The input is untrusted (it comes from Git repositories), so every read is bounded by
// YamlLimits: exceeding a limit fails fast with ErrorCode::kResourceExhausted; malformed YAML
// fails with ErrorCode::kInvalidArgument. Messages carry "line L, column C" (1-based); callers
// add the file name with Error::with_context.

#include <cstddef>
#include <string_view>
#include <vector>

#include "core/json.h"

namespace sluice {

struct YamlLimits {
  std::size_t max_input_bytes = std::size_t{64} << 20;    // whole stream
  std::size_t max_document_bytes = std::size_t{8} << 20;  // one document of a stream
  std::size_t max_depth = 100;                            // nested collections
  // JSON nodes that alias expansion may create in total (an alias to a 1,000-node anchor
  // costs 1,000). Stops "billion laughs" long before memory or time matter.
  std::size_t max_alias_nodes = 1'000'000;
};

// How plain scalars are typed. kustomize reads resources with yaml.v3 (kGoYamlV3, described
// above), but its own kustomization files and JSON 6902 patch texts through sigs.k8s.io/yaml,
// i.e. go-yaml v2 with YAML 1.1 rules (kGoYamlV2): there y/yes/on/... are true, n/no/off/...
// false, timestamps stay the strings they were written as (go-yaml v2.4), folded scalars are
// not rewritten, and plain keys that read as bool, null or int are spelled as JSON spells them
// ("on:" is the key "true"); .inf and .nan are refused, as JSON cannot carry them. Like
// sigs.k8s.io/yaml's lenient decoding, a repeated mapping key replaces the earlier one, and a
// `<<` merge applies where it stands (later keys replace its keys, its keys replace earlier ones).
enum class YamlSchema { kGoYamlV3, kGoYamlV2 };

// Every non-empty document of a `---`-separated stream, in order. Empty documents (nothing or
// only comments between separators, or an explicit null) are skipped, as kustomize does.
std::vector<Json> parse_yaml_documents(std::string_view text, const YamlLimits& limits = {},
                                       YamlSchema schema = YamlSchema::kGoYamlV3);

// Exactly one document: null for empty input; an error if the stream holds more than one.
Json parse_yaml(std::string_view text, const YamlLimits& limits = {},
                YamlSchema schema = YamlSchema::kGoYamlV3);

}  // namespace sluice
