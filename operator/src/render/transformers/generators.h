#pragma once
// kustomize's ConfigMap and Secret generators (api/internal/generators, api/kv) and how their
// output joins the resources of a kustomization (resmap's AbsorbAll).
//
// Key/value pairs come from env files, then literals, then files, in that order; a key may
// appear once (kustomize's "configmap NAME illegally repeats the key" error, worded the same
// for Secrets). kustomize v5.5 does not validate key spelling: any non-empty key is taken.
//   - literals: "key=value", split at the first '='; a value wrapped in matching single or
//     double quotes loses them. No '=' or a leading '=' is an error.
//   - files: "path" (the key is the path's last element) or "key=path"; the whole file is the
//     value. A second '=', an empty key or an empty path is an error.
//   - env files: one "KEY=value" per line, split at the first '='. Leading Unicode white space
//     is dropped, trailing is kept, a UTF-8 BOM is dropped from the first line, "\r\n" counts
//     as a line end; empty lines, lines starting with '#' and lines with an empty key are
//     skipped; "KEY" alone gives KEY an empty value (v5.5 no longer reads the environment);
//     no quote removal; a line with invalid UTF-8 is an error. Like kustomize (bufio.Scanner,
//     whose error it ignores), reading stops silently at a line longer than 64 KiB.
// A ConfigMap keeps valid UTF-8 values in `data` and base64-encodes the others into
// `binaryData`; a Secret base64-encodes every value into `data`. Base64 text of 70 characters
// or more is cut into lines of 70, each ending in "\n" (kyaml's encodeBase64), which the YAML
// writer then prints as a block scalar.
// Options add labels and annotations, `immutable: true`, and (unless disableNameSuffixHash)
// the hidden kNeedsHashKey; the hash itself is added at the end of the whole build.
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/object.h"
#include "render/transformers/generator_args.h"

namespace sluice::render::transformers {

// Reads a file a generator names, relative to the kustomization, applying the builder's load
// restrictions; throws sluice::Error when it cannot.
using GeneratorFileReader = std::function<std::string(const std::string& path)>;

struct KeyValue {
  std::string key;
  std::string value;
};

// The pairs of one env file (see the file comment).
std::vector<KeyValue> parse_env_file(std::string_view content);

// "key=value" of a literal, quotes removed.
KeyValue parse_literal_source(const std::string& source);

// {key, path} of a `files` entry.
KeyValue parse_file_source(const std::string& source);

// Base64 as kyaml writes generated values: standard alphabet with padding, in lines of 70
// characters each ending in "\n" once the text reaches 70 characters.
std::string encode_base64_lines(std::string_view bytes);

// The ConfigMap or Secret `args` describes (its options already merged with generatorOptions).
Object generate(const GeneratorArgs& args, const GeneratorFileReader& read_file);

// Adds a generated resource to `resources` as kustomize's appendReplaceOrMerge does. It looks
// for a resource with the generated id under its current or any earlier name and namespace:
//   none: create (or an unknown behavior) appends; merge and replace are errors;
//   one: create is an error; replace puts the generated resource in its place, merge also
//     keeps the old data and binaryData keys the generated one lacks. Either way the result
//     keeps the old name, namespace and name history, adds the old labels and annotations it
//     lacks, and gets the name hash only if both had it.
//   several: an error.
void absorb_generated(std::vector<Object>& resources, Object generated,
                      GenerationBehavior behavior);

}  // namespace sluice::render::transformers
