#include "render/transformers/name_hash.h"

#include <array>
#include <charconv>
#include <cmath>
#include <memory>

#include "core/error.h"
#include "core/go_unicode.h"
#include "core/sha256.h"

namespace sluice::render::transformers {
namespace {

void append_go_string(std::string& out, std::string_view text) {
  static constexpr std::string_view kHex = "0123456789abcdef";
  out += '"';
  while (!text.empty()) {
    const goyaml::DecodedRune decoded = goyaml::decode_rune(text);
    const char32_t rune = decoded.rune;
    const bool bad_byte = rune == goyaml::kRuneError && decoded.size == 1;
    text.remove_prefix(decoded.size);
    if (bad_byte) {
      out += "\\ufffd";
    } else if (rune == U'"' || rune == U'\\') {
      out += '\\';
      out += static_cast<char>(rune);
    } else if (rune == U'\n') {
      out += "\\n";
    } else if (rune == U'\r') {
      out += "\\r";
    } else if (rune == U'\t') {
      out += "\\t";
    } else if (rune == U'\b') {
      out += "\\b";
    } else if (rune == U'\f') {
      out += "\\f";
    } else if (rune < 0x20 || rune == U'<' || rune == U'>' || rune == U'&') {
      out += "\\u00";
      out += kHex[rune >> 4U];
      out += kHex[rune & 0xFU];
    } else if (rune == U'\u2028' || rune == U'\u2029') {
      out += rune == U'\u2028' ? "\\u2028" : "\\u2029";
    } else {
      goyaml::append_rune(out, rune);
    }
  }
  out += '"';
}

// encoding/json's float64 text: shortest digits, in exponent form below 1e-6 or from 1e21
// on, with a one-digit negative exponent not zero-padded ("1e-7").
void append_go_float(std::string& out, double value) {
  if (!std::isfinite(value)) {
    throw invalid_argument("json: unsupported value in a generated resource's data");
  }
  std::array<char, 64> buffer{};
  const double magnitude = std::fabs(value);
  const bool exponent = magnitude != 0 && (magnitude < 1e-6 || magnitude >= 1e21);
  const auto result =
      std::to_chars(buffer.data(), buffer.data() + buffer.size(), value,
                    exponent ? std::chars_format::scientific : std::chars_format::fixed);
  std::string text(buffer.data(), result.ptr);
  const std::size_t n = text.size();
  if (exponent && n >= 4 && text[n - 4] == 'e' && text[n - 3] == '-' && text[n - 2] == '0') {
    text.erase(n - 2, 1);
  }
  out += text;
}

void append_go_json(std::string& out, const Json& value) {
  switch (value.type()) {
    case Json::value_t::null:
      out += "null";
      return;
    case Json::value_t::boolean:
      out += value.get<bool>() ? "true" : "false";
      return;
    case Json::value_t::string:
      append_go_string(out, value.get_ref<const std::string&>());
      return;
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
      // kustomize reads the map back into interface{}, so every number is a float64.
      append_go_float(out, value.get<double>());
      return;
    case Json::value_t::array: {
      out += '[';
      bool first = true;
      for (const Json& item : value) {
        if (!first) out += ',';
        first = false;
        append_go_json(out, item);
      }
      out += ']';
      return;
    }
    case Json::value_t::object: {
      // nlohmann's object is a std::map: keys already in byte order, as Go sorts them.
      out += '{';
      bool first = true;
      for (const auto& [key, item] : value.items()) {
        if (!first) out += ',';
        first = false;
        append_go_string(out, key);
        out += ':';
        append_go_json(out, item);
      }
      out += '}';
      return;
    }
    case Json::value_t::binary:
    case Json::value_t::discarded:
      break;
  }
  throw Error(ErrorCode::kInternal, "unexpected JSON value in a generated resource");
}

// kustomize's getNodeValues: a missing field is "", a scalar its text, a map the map.
Json field_value(const Json& object, std::string_view key) {
  const auto it = object.find(std::string(key));
  if (it == object.end() || it->is_null()) return "";
  if (it->is_string()) return *it;
  if (it->is_object() || it->is_array()) return *it;
  return it->dump();
}

}  // namespace

std::string go_json(const Json& value) {
  std::string out;
  append_go_json(out, value);
  return out;
}

std::string hash_input(const Object& object) {
  const Json& json = object.json();
  const std::string kind = object.kind();
  // kustomize looks the name up as one top-level field called "metadata/name" (its Lookup
  // does not split paths), so in practice the name always hashes as "".
  const Json name = field_value(json, "metadata/name");
  Json encoded = Json::object();
  if (kind == "ConfigMap") {
    encoded["kind"] = "ConfigMap";
    encoded["name"] = name;
    encoded["data"] = field_value(json, "data");
    if (const Json binary = field_value(json, "binaryData"); binary.is_object()) {
      encoded["binaryData"] = binary;
    }
  } else if (kind == "Secret") {
    encoded["kind"] = "Secret";
    encoded["type"] = field_value(json, "type");
    encoded["name"] = name;
    encoded["data"] = field_value(json, "data");
    if (const Json string_data = field_value(json, "stringData"); string_data.is_object()) {
      encoded["stringData"] = string_data;
    }
  } else {
    throw unimplemented("sluice computes the name hash only for ConfigMaps and Secrets, not for " +
                        kind);
  }
  return go_json(encoded);
}

std::string name_hash(const Object& object) {
  return encode_hash(sha256_hex(hash_input(object)));
}

std::string encode_hash(std::string_view sha256_hex) {
  if (sha256_hex.size() < 10) throw invalid_argument("input length must be at least 10");
  std::string out(sha256_hex.substr(0, 10));
  for (char& c : out) {
    switch (c) {
      case '0':
        c = 'g';
        break;
      case '1':
        c = 'h';
        break;
      case '3':
        c = 'k';
        break;
      case 'a':
        c = 'm';
        break;
      case 'e':
        c = 't';
        break;
      default:
        break;
    }
  }
  return out;
}

}  // namespace sluice::render::transformers
