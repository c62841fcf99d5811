#include "render/go_json_decode.h"

#include <cmath>
#include <string>

#include "core/error.h"

namespace sluice::render {
namespace {

using Kind = GoType::Kind;

// The two non-ASCII runes whose case-fold set holds an ASCII letter.
constexpr std::string_view kLongS = "\xC5\xBF";       // U+017F, folds with 's'
constexpr std::string_view kKelvin = "\xE2\x84\xAA";  // U+212A, folds with 'k'

// encoding/json's name for the kind of a JSON value, as its messages spell it.
std::string_view json_kind_name(const Json& value) {
  if (value.is_string()) return "string";
  if (value.is_boolean()) return "bool";
  if (value.is_number()) return "number";
  if (value.is_array()) return "array";
  return "object";
}

bool is_integral(const Json& value) {
  if (value.is_number_integer()) return true;
  if (!value.is_number_float()) return false;
  const double number = value.get<double>();
  return std::isfinite(number) && std::trunc(number) == number;
}

// Whether Go can decode `value` (not null) into `type` at the top: kinds only, not members.
bool kind_fits(const Json& value, const GoType& type) {
  switch (type.kind) {
    case Kind::kString:
      return value.is_string();
    case Kind::kBool:
      return value.is_boolean();
    case Kind::kInt:
      return is_integral(value);
    case Kind::kAny:
      return true;
    case Kind::kStruct:
    case Kind::kMap:
      return value.is_object();
    case Kind::kSlice:
      return value.is_array();
  }
  return false;
}

bool resets_on_null(const GoType& type) {
  return type.kind == Kind::kMap || type.kind == Kind::kSlice || type.kind == Kind::kAny ||
         (type.kind == Kind::kStruct && type.pointer);
}

// Where a value sits, for messages: the innermost struct and the json path to the field.
struct Place {
  std::string_view struct_name;
  std::string path;

  // Go names the struct without its package ("Image", not "types.Image").
  Place field(const GoType& owner, std::string_view name) const {
    const std::size_t dot = owner.name.rfind('.');
    return {dot == std::string_view::npos ? owner.name : owner.name.substr(dot + 1),
            path.empty() ? std::string(name) : path + "." + std::string(name)};
  }
};

[[noreturn]] void throw_kind_error(const Json& value, const GoType& type, const Place& place) {
  if (place.struct_name.empty()) {
    throw invalid_argument("json: cannot unmarshal " + std::string(json_kind_name(value)) +
                           " into Go value of type " + std::string(type.name));
  }
  throw invalid_argument("json: cannot unmarshal " + std::string(json_kind_name(value)) +
                         " into Go struct field " + std::string(place.struct_name) + "." +
                         place.path + " of type " + std::string(type.name));
}

const GoField* find_field(const GoType& type, std::string_view key) {
  for (const GoField& field : type.fields) {
    if (field.json_name == key) return &field;
  }
  const std::string folded = go_fold_name(key);
  for (const GoField& field : type.fields) {
    if (go_fold_name(field.json_name) == folded) return &field;
  }
  return nullptr;
}

class Decoder {
 public:
  explicit Decoder(UnknownFields unknown) : unknown_(unknown) {}

  // `value` decoded into a zero `type`.
  Json fresh(const Json& value, const GoType& type, const Place& place) const {
    Json slot;
    bool present = false;
    decode_into(slot, present, value, type, place);
    return slot;
  }

 private:
  // Decodes `value` into `slot`, which holds an earlier decoding when `present`. Whatever of
  // the earlier decoding this drops is checked first, as Go decoded it and failed on it.
  void decode_into(Json& slot, bool& present, const Json& value, const GoType& type,
                   const Place& place) const {
    if (value.is_null()) {
      if (!present) {
        slot = nullptr;
        present = true;
      } else if (resets_on_null(type)) {
        check(slot, type, place);
        slot = nullptr;
      }
      return;
    }
    if (!kind_fits(value, type)) {
      if (present) throw_kind_error(value, type, place);
      // Left to the caller's parser, which words its own message.
      slot = value;
      present = true;
      return;
    }
    if (present && !slot.is_null() && !kind_fits(slot, type)) throw_kind_error(slot, type, place);
    const bool merge = present && !slot.is_null();
    present = true;
    switch (type.kind) {
      case Kind::kStruct:
        if (!merge) slot = Json::object();
        decode_struct(slot, value, type, place);
        return;
      case Kind::kMap:
        if (!merge) slot = Json::object();
        for (const auto& [key, item] : value.items()) {
          // Go zeroes a map element before decoding into it: the earlier entry is dropped.
          const auto old = slot.find(key);
          if (old != slot.end()) check(*old, *type.element, place);
          slot[key] = fresh(item, *type.element, place);
        }
        return;
      case Kind::kSlice:
        decode_slice(slot, merge, value, type, place);
        return;
      default:
        if (merge) check(slot, type, place);
        slot = value;
        return;
    }
  }

  void decode_struct(Json& slot, const Json& value, const GoType& type, const Place& place) const {
    // Json objects iterate in byte order of their keys, which is the order Go decodes them in
    // (sigs.k8s.io/yaml writes the JSON from a Go map, whose keys encoding/json sorts).
    for (const auto& [key, item] : value.items()) {
      const GoField* field = find_field(type, key);
      if (field == nullptr) {
        if (unknown_ == UnknownFields::kRefuse) {
          throw invalid_argument("json: unknown field \"" + key + "\"");
        }
        continue;
      }
      const std::string name(field->json_name);
      const auto existing = slot.find(name);
      bool present = existing != slot.end();
      Json field_slot = present ? std::move(*existing) : Json();
      decode_into(field_slot, present, item, *field->type, place.field(type, name));
      slot[name] = std::move(field_slot);
    }
  }

  void decode_slice(Json& slot, bool merge, const Json& value, const GoType& type,
                    const Place& place) const {
    if (!merge) slot = Json::array();
    // Go decodes item i into the earlier item i, and cuts what is left over.
    std::size_t index = 0;
    for (const Json& item : value) {
      if (index < slot.size()) {
        bool present = true;
        decode_into(slot[index], present, item, *type.element, place);
      } else {
        slot.push_back(fresh(item, *type.element, place));
      }
      ++index;
    }
    for (std::size_t rest = index; rest < slot.size(); ++rest) {
      check(slot[rest], *type.element, place);
    }
    if (index < slot.size()) {
      slot.get_ref<Json::array_t&>().resize(index);
    }
  }

  // Throws if anything in an earlier decoding `value` failed to decode into `type`.
  void check(const Json& value, const GoType& type, const Place& place) const {
    if (value.is_null()) return;
    if (!kind_fits(value, type)) throw_kind_error(value, type, place);
    switch (type.kind) {
      case Kind::kStruct:
        for (const auto& [key, item] : value.items()) {
          // Earlier decodings hold canonical names only.
          const GoField* field = find_field(type, key);
          if (field != nullptr) check(item, *field->type, place.field(type, field->json_name));
        }
        return;
      case Kind::kMap:
        for (const Json& item : value) check(item, *type.element, place);
        return;
      case Kind::kSlice:
        for (const Json& item : value) check(item, *type.element, place);
        return;
      default:
        return;
    }
  }

  UnknownFields unknown_;
};

}  // namespace

std::string go_fold_name(std::string_view name) {
  std::string folded;
  folded.reserve(name.size());
  for (std::size_t i = 0; i < name.size();) {
    const std::string_view rest = name.substr(i);
    if (rest.starts_with(kLongS)) {
      folded.push_back('S');
      i += kLongS.size();
    } else if (rest.starts_with(kKelvin)) {
      folded.push_back('K');
      i += kKelvin.size();
    } else {
      const char c = name[i++];
      folded.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
    }
  }
  return folded;
}

Json go_json_decode(const Json& value, const GoType& type, UnknownFields unknown) {
  return Decoder(unknown).fresh(value, type, Place{});
}

}  // namespace sluice::render
