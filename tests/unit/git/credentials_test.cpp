#include "git/credentials.h"

#include <filesystem>
#include <fstream>
#include <random>

#include <gtest/gtest.h>

#include "core/error.h"
#include "git/libgit2.h"

namespace sluice::git {
namespace {

namespace fs = std::filesystem;

class CredentialsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::temp_directory_path() / ("sluice-cred-test-" + std::to_string(std::random_device()()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write(const std::string& key, const std::string& value) {
    std::ofstream(dir_ / key, std::ios::binary) << value;
  }
  fs::path dir_;
};

TEST_F(CredentialsTest, ReadsTheSecretKeys) {
  write("username", "alice\n");
  write("password", "s3cret");
  write("identity", "-----BEGIN OPENSSH PRIVATE KEY-----\nx\n-----END OPENSSH PRIVATE KEY-----\n");
  write("known_hosts", "host ssh-ed25519 AAAA\n");
  write("unrelated", "ignored");
  const Credentials c = read_credentials(dir_);
  EXPECT_EQ(c.username, "alice");
  EXPECT_EQ(c.password, "s3cret");
  EXPECT_FALSE(c.bearer_token);
  EXPECT_FALSE(c.ca_cert);
  ASSERT_TRUE(c.identity);
  EXPECT_TRUE(c.identity->ends_with("KEY-----\n"));  // key files keep their newline
  EXPECT_EQ(c.known_hosts, "host ssh-ed25519 AAAA\n");
}

TEST_F(CredentialsTest, MissingDirectoryIsNotFound) {
  try {
    static_cast<void>(read_credentials(dir_ / "nope"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kNotFound);
  }
}

TEST_F(CredentialsTest, HugeFileIsRefused) {
  write("password", std::string((1U << 20U) + 1U, 'x'));
  try {
    static_cast<void>(read_credentials(dir_));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kResourceExhausted);
    EXPECT_EQ(e.message().find("xxx"), std::string::npos);
  }
}

// Every git error message passes through redact_url (detail::throw_git_error, the fetch's
// display URL), so no credential in a source's URL reaches a condition or the log.
TEST(RedactUrlTest, DropsEveryUserinfo) {
  EXPECT_EQ(detail::redact_url("https://user:s3cret@host/x.git"), "https://host/x.git");
  EXPECT_EQ(detail::redact_url("https://ghp_t0ken@github.com/o/r.git"),
            "https://github.com/o/r.git");
  // An ssh login name alone is no secret and stays; a password beside it goes.
  EXPECT_EQ(detail::redact_url("ssh://git@host:2222/r.git"), "ssh://git@host:2222/r.git");
  EXPECT_EQ(detail::redact_url("ssh://git:s3cret@host/r.git"), "ssh://host/r.git");
  EXPECT_EQ(detail::redact_url("fetching https://t0ken@host/r: failed; retry https://u:p@h2/s"),
            "fetching https://host/r: failed; retry https://h2/s");
  // An '@' past the host is part of the path or the text, not userinfo.
  EXPECT_EQ(detail::redact_url("https://host/a@b.git"), "https://host/a@b.git");
  EXPECT_EQ(detail::redact_url("see https://host mail me@example.com"),
            "see https://host mail me@example.com");
}

}  // namespace
}  // namespace sluice::git
