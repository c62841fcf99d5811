#include "verify/ssh_wire.h"

namespace sluice::verify {

void SshReader::fail(std::string_view problem) const {
  throw Error(code_, what_ + " is malformed: " + std::string(problem));
}

std::string_view SshReader::raw(std::size_t bytes) {
  if (bytes > data_.size()) fail("truncated");
  const std::string_view out = data_.substr(0, bytes);
  data_.remove_prefix(bytes);
  return out;
}

std::uint32_t SshReader::u32() {
  const std::string_view bytes = raw(4);
  std::uint32_t value = 0;
  for (const char c : bytes) value = (value << 8U) | static_cast<unsigned char>(c);
  return value;
}

std::string_view SshReader::string() {
  const std::uint32_t length = u32();
  if (length > data_.size()) fail("a length runs past the end");
  return raw(length);
}

std::string_view SshReader::mpint() {
  std::string_view value = string();
  if (!value.empty() && (static_cast<unsigned char>(value.front()) & 0x80U) != 0) {
    fail("negative integer");
  }
  while (!value.empty() && value.front() == '\0') value.remove_prefix(1);
  return value;
}

void SshReader::expect_end() const {
  if (!data_.empty()) fail("trailing data");
}

void put_u32(std::string& out, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((value >> static_cast<unsigned>(shift)) & 0xFFU));
  }
}

void put_string(std::string& out, std::string_view value) {
  put_u32(out, static_cast<std::uint32_t>(value.size()));
  out.append(value);
}

}  // namespace sluice::verify
