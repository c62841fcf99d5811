#pragma once
// Protobuf wire format for test fixtures: the few encodings a TransparencyLogEntry needs
// (varints and length-delimited fields), written by hand so tests depend on no protobuf library.
#include <cstdint>
#include <string>
#include <string_view>

namespace sluice::testing::protobuf {

inline std::string varint(std::uint64_t value) {
  std::string out;
  do {
    const auto low = static_cast<unsigned char>(value & 0x7f);
    value >>= 7;
    out += static_cast<char>(value != 0 ? (low | 0x80) : low);
  } while (value != 0);
  return out;
}

inline std::string key(int number, int wire_type) {
  return varint((static_cast<std::uint64_t>(number) << 3) | static_cast<std::uint64_t>(wire_type));
}

inline std::string int_field(int number, std::uint64_t value) {
  return key(number, 0) + varint(value);
}

inline std::string bytes_field(int number, std::string_view value) {
  return key(number, 2) + varint(value.size()) + std::string(value);
}

}  // namespace sluice::testing::protobuf
