// RegistryClient's redirects against real loopback servers (a Python script, openssl for its
// certificate): followed on HTTPS without the registry's credentials, refused down to plain
// HTTP (docs/security.md, F6 and F12).
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>
#include <unistd.h>

#include "core/error.h"
#include "process.h"
#include "test_helpers.h"
#include "verify/oci/registry_client.h"

namespace sluice::verify::oci {
namespace {

namespace fs = std::filesystem;
using testing::BackgroundProcess;
using testing::run_process;

// An HTTPS server that answers GET /v2/plain/... with a redirect to its plain-HTTP twin, any
// other /v2/... with a redirect to its own /final, and /final with 404; the twin counts hits.
// /v2/auth/... wants a bearer token (from its /token) and then redirects to a second HTTPS
// server, "elsewhere", which notes the Authorization header it was sent and answers 404.
constexpr const char* kServers = R"PY(
import http.server, ssl, sys, threading
directory = sys.argv[1]
class Plain(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        open(directory + "/plain-hits", "a").write(self.path + "\n")
        self.send_response(200); self.send_header("Content-Length", "2"); self.end_headers()
        self.wfile.write(b"{}")
    def log_message(self, *args): pass
plain = http.server.HTTPServer(("127.0.0.1", 0), Plain)
class Elsewhere(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        seen = self.headers.get("Authorization", "none")
        open(directory + "/elsewhere-hits", "a").write(seen + "\n")
        self.send_response(404); self.send_header("Content-Length", "0"); self.end_headers()
    def log_message(self, *args): pass
elsewhere = http.server.HTTPServer(("127.0.0.1", 0), Elsewhere)
class Secure(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path.startswith("/token"):
            body = b'{"token": "registry-token"}'
            self.send_response(200); self.send_header("Content-Length", str(len(body)))
            self.end_headers(); self.wfile.write(body)
            return
        if self.path.startswith("/v2/auth/"):
            if self.headers.get("Authorization") != "Bearer registry-token":
                self.send_response(401)
                self.send_header("WWW-Authenticate",
                    'Bearer realm="https://127.0.0.1:%d/token",service="test"' % secure.server_port)
            else:
                self.send_response(307)
                self.send_header("Location",
                    "https://127.0.0.1:%d/blobs/x" % elsewhere.server_port)
        elif self.path.startswith("/v2/plain/"):
            self.send_response(307)
            self.send_header("Location", "http://127.0.0.1:%d/v2/x" % plain.server_port)
        elif self.path.startswith("/v2/"):
            self.send_response(307)
            self.send_header("Location", "https://127.0.0.1:%d/final" % secure.server_port)
        else:
            self.send_response(404)
        self.send_header("Content-Length", "0"); self.end_headers()
    def log_message(self, *args): pass
secure = http.server.HTTPServer(("127.0.0.1", 0), Secure)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(directory + "/cert.pem", directory + "/key.pem")
secure.socket = context.wrap_socket(secure.socket, server_side=True)
elsewhere.socket = context.wrap_socket(elsewhere.socket, server_side=True)
threading.Thread(target=plain.serve_forever, daemon=True).start()
threading.Thread(target=elsewhere.serve_forever, daemon=True).start()
open(directory + "/port.tmp", "w").write(str(secure.server_port))
__import__("os").rename(directory + "/port.tmp", directory + "/port")
secure.serve_forever()
)PY";

class RegistryRedirectTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("sluice-registry-redirect-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    const auto made = run_process(
        {"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
         "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", (dir_ / "key.pem").string(), "-out", (dir_ / "cert.pem").string()});
    ASSERT_EQ(made.exit_code, 0) << made.err;
    std::ofstream(dir_ / "servers.py") << kServers;
    servers_ = std::make_unique<BackgroundProcess>(
        std::vector<std::string>{"python3", (dir_ / "servers.py").string(), dir_.string()},
        (dir_ / "servers.log").string());
    for (int i = 0; i < 100 && !fs::exists(dir_ / "port"); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ASSERT_TRUE(fs::exists(dir_ / "port")) << testing::read_text_file(dir_ / "servers.log");
    port_ = testing::read_text_file(dir_ / "port");
  }
  void TearDown() override {
    servers_.reset();
    fs::remove_all(dir_);
  }

  RegistryClient client() const {
    RegistryOptions options;
    options.ca_pem = testing::read_text_file(dir_ / "cert.pem");
    return RegistryClient("127.0.0.1:" + port_, options);
  }

  fs::path dir_;
  std::unique_ptr<BackgroundProcess> servers_;
  std::string port_;
};

TEST_F(RegistryRedirectTest, FollowsARedirectThatStaysOnHttps) {
  RegistryClient registry = client();
  EXPECT_FALSE(registry.manifest("app", "latest").has_value());  // /v2/... -> /final: 404
}

// Registries send blobs from elsewhere (a CDN, object storage); the registry's token must not
// follow (docs/security.md, F12: cpprestsdk's own follower sent every original header along).
TEST_F(RegistryRedirectTest, TheRegistrysTokenDoesNotFollowARedirectElsewhere) {
  RegistryClient registry = client();
  EXPECT_FALSE(registry.manifest("auth", "latest").has_value());  // elsewhere answers 404
  ASSERT_TRUE(fs::exists(dir_ / "elsewhere-hits")) << "the redirect was not followed";
  EXPECT_EQ(testing::read_text_file(dir_ / "elsewhere-hits"), "none\n");
}

TEST_F(RegistryRedirectTest, RefusesARedirectDownToPlainHttp) {
  RegistryClient registry = client();
  try {
    registry.blob("plain", "sha256:" + std::string(64, 'a'), 1024);
    FAIL() << "followed the redirect";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kPermissionDenied);
    EXPECT_NE(e.message().find("refused a redirect from HTTPS to plain HTTP"), std::string::npos)
        << e.message();
  }
  EXPECT_FALSE(fs::exists(dir_ / "plain-hits")) << "a request reached the plain-HTTP server";
}

}  // namespace
}  // namespace sluice::verify::oci
