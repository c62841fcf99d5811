// HTTPS with a source's own CA (the `ca.crt` key): the test server's certificate (for
// 127.0.0.1, signed by the environment's test CA) is verified per fetch against ca.crt alone.
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "cli/pull_command.h"
#include "git_test_fixture.h"

namespace sluice::testing {
namespace {

class GitHttpsTest : public GitPollerTest {
 protected:
  std::string https_url(const std::string& host = "127.0.0.1") const {
    const std::string base = env().var("GIT_HTTPS_URL");  // https://127.0.0.1:PORT
    const std::string port = base.substr(base.rfind(':'));
    return "https://" + host + port + "/" + repo_name() + ".git";
  }
  std::string test_ca() const { return read_text_file(env().var("GIT_CA_FILE")); }
  std::string server_cert() const {
    return read_text_file(fs::path(env().var("GIT_CA_FILE")).parent_path() / "server.crt");
  }
  git::Credentials with_ca(std::optional<std::string> ca) const {
    git::Credentials credentials = http_credentials();
    credentials.ca_cert = std::move(ca);
    return credentials;
  }
  // Another CA with the test CA's very name (so only the key tells them apart), made with the
  // openssl CLI.
  std::string other_ca() {
    const fs::path key = scratch_ / "other-ca.key";
    const fs::path cert = scratch_ / "other-ca.crt";
    run_ok({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
            "/CN=sluice test git CA", "-addext", "basicConstraints=critical,CA:TRUE", "-keyout",
            key.string(), "-out", cert.string()});
    return read_text_file(cert);
  }
};

TEST_F(GitHttpsTest, TheSourcesCaIsTrusted) {
  const std::string sha = repo().commit({{"a.yaml", "a: 1\n"}}, "first");
  const git::PullResult result = pull(https_url(), Ref::branch("main"), with_ca(test_ca()));
  EXPECT_EQ(result.commit, sha);
  EXPECT_EQ(read_text_file(out() / "a.yaml"), "a: 1\n");
  // The same tree as over plain HTTP.
  EXPECT_EQ(result.digest,
            pull(plain_http_url(), Ref::branch("main"), http_credentials(), "plain").digest);
}

TEST_F(GitHttpsTest, ABundleWithTheServersOwnCertificateBesideTheCa) {
  const std::string sha = repo().commit({{"a.yaml", "a: 1\n"}}, "first");
  EXPECT_EQ(pull(https_url(), Ref::branch("main"), with_ca(server_cert() + test_ca())).commit, sha);
  // A bundle without any CA certificate trusts nothing.
  std::string message;
  EXPECT_EQ(pull_error(https_url(), Ref::branch("main"), with_ca(server_cert()), &message),
            ErrorCode::kVerificationFailed);
  EXPECT_NE(message.find("no CA certificate"), std::string::npos) << message;
}

TEST_F(GitHttpsTest, WithoutTheCaTheServerIsRefused) {
  repo().commit({{"a.yaml", "a: 1\n"}}, "first");
  std::string message;
  EXPECT_EQ(pull_error(https_url(), Ref::branch("main"), with_ca(std::nullopt), &message),
            ErrorCode::kVerificationFailed);
  EXPECT_NE(message.find("TLS certificate of 127.0.0.1 is not trusted"), std::string::npos)
      << message;
  EXPECT_FALSE(fs::exists(out()));
}

TEST_F(GitHttpsTest, ADifferentCaIsRefused) {
  repo().commit({{"a.yaml", "a: 1\n"}}, "first");
  std::string message;
  EXPECT_EQ(pull_error(https_url(), Ref::branch("main"), with_ca(other_ca()), &message),
            ErrorCode::kVerificationFailed);
  EXPECT_NE(message.find("not trusted by the secret's ca.crt"), std::string::npos) << message;
  EXPECT_FALSE(fs::exists(out()));
  // A malformed bundle is the secret's fault, not the server's.
  EXPECT_EQ(
      pull_error(https_url(), Ref::branch("main"),
                 with_ca("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n"),
                 &message),
      ErrorCode::kInvalidArgument);
  EXPECT_NE(message.find("ca.crt"), std::string::npos) << message;
}

TEST_F(GitHttpsTest, ACertificateForAnotherHostIsRefused) {
  repo().commit({{"a.yaml", "a: 1\n"}}, "first");
  // `localhost` reaches the same server, whose certificate names only the IP 127.0.0.1.
  std::string message;
  EXPECT_EQ(pull_error(https_url("localhost"), Ref::branch("main"), with_ca(test_ca()), &message),
            ErrorCode::kVerificationFailed);
  EXPECT_NE(message.find("TLS certificate of localhost"), std::string::npos) << message;
  EXPECT_NE(message.find("hostname mismatch"), std::string::npos) << message;
}

TEST_F(GitHttpsTest, PullCommandReadsCaCrtFromTheSecretDir) {
  const std::string sha = repo().commit({{"a.yaml", "a: 1\n"}}, "first");
  const fs::path secret = scratch_ / "secret";
  fs::create_directories(secret);
  std::ofstream(secret / "username") << env().var("GIT_HTTP_USER");
  std::ofstream(secret / "password") << env().var("GIT_HTTP_PASSWORD");
  std::ofstream(secret / "ca.crt") << test_ca();
  const std::vector<std::string> args{https_url(),    "--branch",     "main",         "--out",
                                      out().string(), "--secret-dir", secret.string()};
  std::ostringstream out_stream;
  std::ostringstream err_stream;
  EXPECT_EQ(cli::run_pull(cli::CommandContext{args, out_stream, err_stream, {}}), cli::kExitOk)
      << err_stream.str();
  EXPECT_TRUE(out_stream.str().starts_with("revision: main@sha1:" + sha + "\n"))
      << out_stream.str();
}

}  // namespace
}  // namespace sluice::testing
