#pragma once
// kustomize reads its kustomization, and the configs of its builtin plugins, by turning the YAML
// into JSON (sigs.k8s.io/yaml, which sorts object keys) and decoding that into Go structs with
// encoding/json. That decoder matches a key to a struct field by its exact json name or else
// case-insensitively, so `nameprefix:` and `NAMEPREFIX:` both set namePrefix. When one object
// holds several spellings of a field, each decodes in key order into what the earlier ones
// left: structs merge field by field, maps entry by entry, lists element by element (and are
// then cut to the later length); scalars are replaced; null resets a pointer, map or list and
// leaves a struct or scalar as it was.
//
// go_json_decode replays that on the JSON tree, so parsers only ever see canonical field names
// and need no knowledge of spellings. The shape of the Go types is described with GoType.
#include <span>
#include <string_view>

#include "core/object.h"

namespace sluice::render {

struct GoField;

// What decoding JSON into a Go type depends on.
struct GoType {
  enum class Kind {
    kString,
    kBool,
    kInt,  // any Go integer type: a JSON number without fraction
    kAny,  // interface{}: takes any JSON as is
    kStruct,
    kMap,    // map[string]T; `element` is T
    kSlice,  // []T; `element` is T
  };
  Kind kind = Kind::kAny;
  // Go's spelling of the type ("string", "types.Image", "[]types.Image"), for messages.
  std::string_view name;
  // kStruct: every field, those of embedded structs (`json:",inline"`) included.
  std::span<const GoField> fields = {};
  const GoType* element = nullptr;
  // kStruct only: a *T, which null resets, where null leaves a T as it was.
  bool pointer = false;
};

struct GoField {
  std::string_view json_name;
  const GoType* type = nullptr;
};

// kRefuse is json.Decoder.DisallowUnknownFields (kustomization files); kDrop is the default
// decoding (plugin configs), which skips keys naming no field.
enum class UnknownFields { kRefuse, kDrop };

// Returns `value` as Go would decode it into `type`, written back as JSON: every struct key
// under its field's json name (the exact name wins over a case-insensitive match; Go folds
// 'ſ' to 's' and the Kelvin sign to 'k' too), several spellings of one field merged as
// described above, unknown keys refused or dropped. Map keys and kAny values are kept as given.
//
// A value of the wrong JSON kind for its field is passed through for the caller's parser to
// reject with its own message, unless a later spelling of the field decodes into it: Go fails
// on it then although it does not survive, so this throws Error(kInvalidArgument)
// "json: cannot unmarshal array into Go struct field Image.images.newTag of type string".
// An unknown key with kRefuse throws Error(kInvalidArgument) `json: unknown field "KEY"`.
// Callers add the file with Error::with_context.
//
// Bounded: recursion follows `type`, which is finite (kAny values are not entered), and each
// node of `value` is visited a bounded number of times.
Json go_json_decode(const Json& value, const GoType& type, UnknownFields unknown);

// encoding/json's case folding of a field name: equal results mean the names match.
std::string go_fold_name(std::string_view name);

}  // namespace sluice::render
