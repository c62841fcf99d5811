#pragma once
// Reading the SSH wire encoding (RFC 4251 section 5) of keys and signatures: uint32, string
// and mpint, each bounds-checked against what is left, so a truncated or lying length is an
// error and never a read past the end.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.h"

namespace sluice::verify {

class SshReader {
 public:
  // `what` names the blob in error messages ("signature", "public key"); errors carry `code`.
  SshReader(std::string_view data, std::string what, ErrorCode code)
      : data_(data), what_(std::move(what)), code_(code) {}

  std::uint32_t u32();
  // A length-prefixed byte string, viewing into the data.
  std::string_view string();
  // A non-negative mpint's magnitude, big-endian with leading zero bytes removed (OpenSSH
  // refuses negative ones).
  std::string_view mpint();
  // Consumes exactly `bytes` bytes.
  std::string_view raw(std::size_t bytes);

  bool at_end() const noexcept { return data_.empty(); }
  // Throws unless everything was consumed ("trailing data"), as OpenSSH does for every blob.
  void expect_end() const;

  [[noreturn]] void fail(std::string_view problem) const;

 private:
  std::string_view data_;
  std::string what_;
  ErrorCode code_;
};

// Appends SSH wire values (for building the bytes a signature covers).
void put_u32(std::string& out, std::uint32_t value);
void put_string(std::string& out, std::string_view value);

}  // namespace sluice::verify
