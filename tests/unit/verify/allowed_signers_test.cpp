// allowed_signers lookups with ssh-keygen's semantics: principals patterns, options, validity
// windows, skipped malformed lines. (tests/integration/verify checks the verdicts against git.)
#include "verify/allowed_signers.h"

#include <gtest/gtest.h>

#include "verify_test_support.h"

namespace sluice::verify {
namespace {

using testing::testdata;

constexpr std::int64_t kJune2024 = 1717243200;  // 2024-06-01T12:00:00Z

class AllowedSignersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto [type, blob] = testing::public_key_fields("ed25519.pub");
    key_line_ = type + " " + blob;
    const auto [rsa_type, rsa_blob] = testing::public_key_fields("rsa.pub");
    other_line_ = rsa_type + " " + rsa_blob;
    key_.emplace(SshPublicKey::from_text(type, blob, ErrorCode::kInvalidArgument));
  }
  std::vector<std::string> principals(const std::string& text,
                                      std::int64_t time = kJune2024) const {
    return AllowedSigners(text, "signers").find_principals(*key_, time);
  }
  bool allows(const std::string& text, const std::string& principal,
              const std::string& ns = "git") const {
    return AllowedSigners(text, "signers").allows(*key_, principal, ns, kJune2024);
  }
  std::string key_line_;
  std::string other_line_;
  std::optional<SshPublicKey> key_;
};

TEST_F(AllowedSignersTest, FindsThePrincipalsOfTheFirstMatchingLine) {
  const std::string text = "bob@example.com " + other_line_ + "\n# comment\n\n" +
                           "alice@example.com,alice@corp " + key_line_ + " alice's laptop\n" +
                           "carol@example.com " + key_line_ + "\n";
  EXPECT_EQ(principals(text), (std::vector<std::string>{"alice@example.com", "alice@corp"}));
  EXPECT_TRUE(principals("bob@example.com " + other_line_ + "\n").empty());
}

TEST_F(AllowedSignersTest, PrincipalPatternsAndNegation) {
  EXPECT_TRUE(allows("*@example.com " + key_line_, "alice@example.com"));
  EXPECT_FALSE(allows("*@example.com " + key_line_, "alice@corp"));
  EXPECT_FALSE(allows("!alice@example.com,*@example.com " + key_line_, "alice@example.com"));
  EXPECT_TRUE(allows("a?ice@example.com " + key_line_, "alice@example.com"));
  EXPECT_TRUE(allows("\"alice@example.com\" " + key_line_, "alice@example.com"));
}

TEST_F(AllowedSignersTest, NamespacesOption) {
  EXPECT_TRUE(allows("a namespaces=\"git,file\" " + key_line_, "a"));
  EXPECT_FALSE(allows("a namespaces=\"file\" " + key_line_, "a"));
  EXPECT_TRUE(allows("a NAMESPACES=\"g*\" " + key_line_, "a"));  // option names ignore case
  EXPECT_TRUE(allows("a namespaces=\"file\" " + key_line_, "a", "file"));
}

TEST_F(AllowedSignersTest, ValidityWindows) {
  const std::string after = "a valid-after=\"20240601120001Z\" " + key_line_;
  EXPECT_TRUE(principals(after).empty());
  EXPECT_EQ(principals(after, kJune2024 + 1).size(), 1U);
  const std::string before = "a valid-before=\"20240601115959Z\" " + key_line_;
  EXPECT_TRUE(principals(before).empty());
  EXPECT_EQ(principals(before, kJune2024 - 1).size(), 1U);
}

TEST_F(AllowedSignersTest, MalformedLinesAreSkippedAndReported) {
  const std::string text = "a bogus " + key_line_ + "\n" + "b frobnicate=\"1\" " + key_line_ +
                           "\n" + "c valid-after=\"2024\" " + key_line_ + "\n" +
                           "d namespaces=git " + key_line_ + "\n" + "e\n" +
                           "f valid-after=\"20250101Z\",valid-before=\"20240101Z\" " + key_line_ +
                           "\n" + "g " + key_line_ + "\n";
  EXPECT_EQ(principals(text), std::vector<std::string>{"g"});
  const std::vector<std::string> problems = AllowedSigners(text, "signers").malformed_lines();
  ASSERT_EQ(problems.size(), 6U);
  EXPECT_EQ(problems[0].rfind("signers:1: ", 0), 0U) << problems[0];
  EXPECT_NE(problems[5].find("before \"valid-after\""), std::string::npos) << problems[5];
}

TEST_F(AllowedSignersTest, CertAuthorityLinesDoNotMatchPlainKeys) {
  EXPECT_TRUE(principals("a cert-authority " + key_line_).empty());
  EXPECT_FALSE(allows("a cert-authority " + key_line_, "a"));
}

TEST(SshAbsoluteTimeTest, ParsesSshKeygensFormats) {
  EXPECT_EQ(parse_ssh_absolute_time("20240601Z"), 1717200000);
  EXPECT_EQ(parse_ssh_absolute_time("202406011200Z"), kJune2024);
  EXPECT_EQ(parse_ssh_absolute_time("20240601120000z"), kJune2024);
  for (const char* bad :
       {"2024060", "2024-06-01", "20241301Z", "20240601126000Z", "", "Z", "2024060112000Z"}) {
    EXPECT_FALSE(parse_ssh_absolute_time(bad)) << bad;
  }
}

}  // namespace
}  // namespace sluice::verify
