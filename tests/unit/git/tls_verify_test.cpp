#include "git/tls_verify.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "core/error.h"
#include "test_helpers.h"

namespace sluice::git {
namespace {

namespace fs = std::filesystem;

// Certificates made once with the openssl CLI: a root CA, an intermediate CA it signed, a leaf
// for the IP 127.0.0.1 signed by the root, a leaf for git.example.com signed by the
// intermediate, and an unrelated CA with the root's very name.
class TlsVerifyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ =
        fs::temp_directory_path() / ("sluice-tls-test-" + std::to_string(std::random_device()()));
    fs::create_directories(dir_);
    const std::string d = dir_.string() + "/";
    const auto ca = [&](const std::string& name) {
      openssl(
          "req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "
          "'/CN=sluice root' -addext basicConstraints=critical,CA:TRUE -keyout " +
          d + name + ".key -out " + d + name + ".crt");
    };
    ca("root");
    ca("other");
    const auto sign = [&](const std::string& name, const std::string& issuer,
                          const std::string& extensions) {
      openssl("req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj '/CN=" + name +
              "' -keyout " + d + name + ".key -out " + d + name + ".csr");
      std::ofstream(d + name + ".ext") << extensions;
      openssl("x509 -req -in " + d + name + ".csr -CA " + d + issuer + ".crt -CAkey " + d + issuer +
              ".key -CAcreateserial -days 2 -extfile " + d + name + ".ext -out " + d + name +
              ".crt");
      openssl("x509 -in " + d + name + ".crt -outform DER -out " + d + name + ".der");
    };
    sign("intermediate", "root", "basicConstraints=critical,CA:TRUE\n");
    sign("leaf-ip", "root",
         "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1\n");
    sign("leaf-dns", "intermediate",
         "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
         "subjectAltName=DNS:git.example.com\n");
    sign("client", "root",
         "basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n"
         "subjectAltName=IP:127.0.0.1\n");
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  static void openssl(const std::string& args) {
    const std::string command = "openssl " + args + " >/dev/null 2>&1";
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
  }
  static std::string pem(const std::string& name) {
    return sluice::testing::read_text_file(dir_ / (name + ".crt"));
  }
  static std::string der(const std::string& name) {
    return sluice::testing::read_text_file(dir_ / (name + ".der"));
  }

  static fs::path dir_;
};

fs::path TlsVerifyTest::dir_;

TEST_F(TlsVerifyTest, LeafSignedByTheCaVerifiesForItsIp) {
  EXPECT_EQ(verify_server_certificate(der("leaf-ip"), pem("root"), "127.0.0.1"), std::nullopt);
}

TEST_F(TlsVerifyTest, WrongHostOrIpIsRefused) {
  EXPECT_EQ(verify_server_certificate(der("leaf-ip"), pem("root"), "127.0.0.2"),
            "IP address mismatch");
  EXPECT_EQ(verify_server_certificate(der("leaf-ip"), pem("root"), "localhost"),
            "hostname mismatch");
  const std::string bundle = pem("root") + pem("intermediate");
  EXPECT_EQ(verify_server_certificate(der("leaf-dns"), bundle, "git.example.com"), std::nullopt);
  EXPECT_EQ(verify_server_certificate(der("leaf-dns"), bundle, "other.example.com"),
            "hostname mismatch");
}

TEST_F(TlsVerifyTest, AnotherCaWithTheSameNameIsRefused) {
  EXPECT_EQ(verify_server_certificate(der("leaf-ip"), pem("other"), "127.0.0.1"),
            "unable to get local issuer certificate");
}

TEST_F(TlsVerifyTest, TheIssuingIntermediateMustBeInTheBundle) {
  // The server sends only its leaf to the callback, so the chain has to come from ca.crt.
  EXPECT_EQ(verify_server_certificate(der("leaf-dns"), pem("root"), "git.example.com"),
            "unable to get local issuer certificate");
  // An intermediate CA alone is enough, as with Flux.
  EXPECT_EQ(verify_server_certificate(der("leaf-dns"), pem("intermediate"), "git.example.com"),
            std::nullopt);
}

TEST_F(TlsVerifyTest, OnlyServerCertificatesPass) {
  EXPECT_EQ(verify_server_certificate(der("client"), pem("root"), "127.0.0.1"),
            "unsuitable certificate purpose");
}

TEST_F(TlsVerifyTest, ABundleWithoutACaTrustsNothing) {
  // A non-CA certificate is an untrusted intermediate at most, never an anchor.
  EXPECT_EQ(verify_server_certificate(der("leaf-ip"), pem("leaf-ip"), "127.0.0.1"),
            "ca.crt holds no CA certificate");
}

TEST_F(TlsVerifyTest, MalformedInputs) {
  const auto code_of = [](const std::string& ca) {
    try {
      verify_server_certificate("x", ca, "127.0.0.1");
    } catch (const Error& e) {
      return e.code();
    }
    return ErrorCode::kInternal;
  };
  EXPECT_EQ(code_of(""), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of("not a certificate"), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(verify_server_certificate("not DER", pem("root"), "127.0.0.1"),
            "the server's certificate is malformed");
}

}  // namespace
}  // namespace sluice::git
