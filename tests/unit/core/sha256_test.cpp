// SHA-256 against the FIPS 180-4 examples and against OpenSSL's EVP digest on many lengths,
// fed whole and in uneven pieces.
#include "core/sha256.h"

#include <random>
#include <string>

#include <gtest/gtest.h>
#include <openssl/evp.h>

namespace sluice {
namespace {

std::string evp_sha256_hex(const std::string& bytes) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EXPECT_EQ(EVP_Digest(bytes.data(), bytes.size(), out, &size, EVP_sha256(), nullptr), 1);
  return to_hex({reinterpret_cast<const char*>(out), size});
}

TEST(Sha256Test, MatchesTheStandardExamples) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256Test, AgreesWithEvpWholeAndInPieces) {
  std::mt19937 random(42);
  for (std::size_t length = 0; length < 300; length += 7) {
    std::string bytes(length, '\0');
    for (char& c : bytes) c = static_cast<char>(random() & 0xFFU);
    const std::string expected = evp_sha256_hex(bytes);
    EXPECT_EQ(sha256_hex(bytes), expected) << "length " << length;

    Sha256 pieces;
    std::size_t at = 0;
    while (at < bytes.size()) {
      const std::size_t n = std::min<std::size_t>(random() % 70, bytes.size() - at);
      pieces.update(std::string_view(bytes).substr(at, n));
      at += n;
    }
    EXPECT_EQ(to_hex(pieces.finish_raw()), expected) << "length " << length;
  }
}

TEST(Sha256Test, HexIsLowerCase) {
  EXPECT_EQ(to_hex("\x01\xAB\xff"), "01abff");
}

TEST(Sha256Test, FromHexTakesEitherCaseAndRefusesTheRest) {
  EXPECT_EQ(from_hex("01abFF"), std::string("\x01\xab\xff"));
  EXPECT_EQ(from_hex(""), std::string());
  EXPECT_FALSE(from_hex("abc"));
  EXPECT_FALSE(from_hex("0g"));
  EXPECT_FALSE(from_hex(" 1"));
}

}  // namespace
}  // namespace sluice
