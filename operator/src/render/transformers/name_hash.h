#pragma once
// kustomize's name-suffix hash (api/hasher): the ten characters appended to a generated
// ConfigMap's or Secret's name ("web-config-7k8tm64mhg").
//
// kustomize hashes Go's json.Marshal of a small map: for a ConfigMap its kind, "name", data
// and (when it is a map) binaryData; for a Secret its kind, "name", type, data and (when it is
// a map) stringData. A missing data or type counts as the empty string. "name" is meant to be
// the resource's name, but kustomize v5.5 looks it up as a single top-level field called
// "metadata/name", which never exists, so it is always "": two generated resources with the
// same content get the same suffix ("a-h29d89cmmt", "b-h29d89cmmt"). It takes the sha256 of
// that text, in hex, keeps the first ten characters and swaps 0, 1, 3, a and e for g, h, k, m
// and t (kubectl's hash encoding). Labels, annotations, namespace and immutable do not count.
#include <string>
#include <string_view>

#include "core/object.h"

namespace sluice::render::transformers {

// The JSON text kustomize hashes for `object` (a ConfigMap or Secret, by its kind). Throws
// Error(kUnimplemented) for other kinds, which kustomize's generators never produce.
std::string hash_input(const Object& object);

// The ten-character suffix for `object`.
std::string name_hash(const Object& object);

// Go's encoding/json text of `value`: map keys sorted byte-wise, <, > and & escaped as
// \u003c, \u003e and \u0026, invalid UTF-8 as \ufffd, numbers as float64.
std::string go_json(const Json& value);

// The first ten characters of `sha256_hex` with kubectl's letter swaps.
std::string encode_hash(std::string_view sha256_hex);

}  // namespace sluice::render::transformers
