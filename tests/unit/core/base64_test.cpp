// Strict base64: RFC 4648 vectors both ways, and everything off the canonical form refused.
#include "core/base64.h"

#include <gtest/gtest.h>

namespace sluice {
namespace {

TEST(Base64Test, Rfc4648Vectors) {
  const std::pair<const char*, const char*> vectors[] = {{"", ""},
                                                         {"f", "Zg=="},
                                                         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},
                                                         {"foob", "Zm9vYg=="},
                                                         {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(encode_base64(plain), encoded);
    EXPECT_EQ(decode_base64(encoded), plain);
  }
}

TEST(Base64Test, BinaryRoundTrip) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  EXPECT_EQ(decode_base64(encode_base64(bytes)), bytes);
}

TEST(Base64Test, RefusesNonCanonicalInput) {
  for (const char* bad :
       {"Zg", "Zg=", "Zh==", "Zm9=", "Zm9v=", "Z===", "Zm9v!A==", "Zm=v", "Zm9v\n", "=Zm9"}) {
    EXPECT_FALSE(decode_base64(bad)) << bad;
  }
}

TEST(Base64Test, SkipsWhitespaceOnlyWhenAsked) {
  EXPECT_FALSE(decode_base64("Zm9v\nYmFy"));
  EXPECT_EQ(decode_base64("Zm9v\nYm Fy\r\n", Base64Whitespace::kSkip), "foobar");
}

}  // namespace
}  // namespace sluice
