// A test-only stand-in for gitsign that git runs as gpg.x509.program (tests/integration/verify).
//   gitsign_test_signer init FOLDER IDENTITY ISSUER
//       makes a CA, a log key and a leaf for IDENTITY/ISSUER valid from a minute ago for a day,
//       and writes them and trusted_root.json to FOLDER.
//   gitsign_test_signer --status-fd=2 -bsau KEYID        (how git calls gpgsm and gitsign)
//       signs stdin with the fixture in $GITSIGN_TEST_DIR and prints the armored signature on
//       stdout and gpg's status lines on fd 2, as gitsign does. $GITSIGN_TEST_MODE "no-tlog"
//       leaves the log entry out (gitsign's online mode).
// Anything else (git's --verify) is refused: sluice and the tests do the verifying.
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <string>

#include "gitsign_fixture.h"

int main(int argc, char** argv) {
  try {
    const std::string first = argc > 1 ? argv[1] : "";
    const std::int64_t now = std::time(nullptr);
    if (first == "init" && argc == 5) {
      sluice::testing::LeafOptions leaf;
      leaf.identity = argv[3];
      leaf.issuer = argv[4];
      leaf.not_before = now - 60;
      leaf.not_after = now + 86400;
      sluice::testing::GitsignFixture(leaf).save(argv[2]);
      return 0;
    }
    if (argc != 4 || first != "--status-fd=2" || std::string(argv[2]) != "-bsau") {
      std::cerr << "gitsign_test_signer: unsupported arguments\n";
      return 2;
    }
    const char* folder = std::getenv("GITSIGN_TEST_DIR");
    if (folder == nullptr) {
      std::cerr << "gitsign_test_signer: GITSIGN_TEST_DIR is not set\n";
      return 2;
    }
    const char* mode = std::getenv("GITSIGN_TEST_MODE");
    std::string payload;
    char buffer[65536];
    for (std::size_t got; (got = std::fread(buffer, 1, sizeof buffer, stdin)) > 0;) {
      payload.append(buffer, got);
    }
    sluice::testing::SignOptions options;
    options.signing_time = now;
    options.with_tlog = mode == nullptr || std::string(mode) != "no-tlog";
    const std::string armored =
        sluice::testing::GitsignFixture::load(folder).sign(payload, options);
    std::cout << armored << std::flush;
    // git looks for "\n[GNUPG:] SIG_CREATED " on the status fd; gitsign prints BEGIN_SIGNING
    // first for the newline.
    std::cerr << "[GNUPG:] BEGIN_SIGNING\n[GNUPG:] SIG_CREATED D 19 8 00 " << now << " " << argv[3]
              << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "gitsign_test_signer: " << e.what() << "\n";
    return 1;
  }
}
