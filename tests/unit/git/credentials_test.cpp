#include "git/credentials.h"

#include <filesystem>
#include <fstream>
#include <random>

#include <gtest/gtest.h>

#include "core/error.h"

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

}  // namespace
}  // namespace sluice::git
