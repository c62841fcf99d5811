#pragma once
// `sluice verify-image REF --key PUBKEY.pem [--insecure-ignore-tlog] [--allow-http-registry]
// [--registry-username U --registry-password-file F] [--registry-ca-file F] [--timeout 30s]`:
// checks the image's cosign signatures in its registry as `cosign verify --key` does (see
// verify/oci/cosign.h). The password is read from a file so it never shows in a process list.
// Keyless verification (--certificate-identity, --certificate-oidc-issuer) is not built yet and
// fails with that message.

#include "cli/app.h"

namespace sluice::cli {

// On success prints "verified: <name>@<digest>" and one "signature: <payload digest>
// (<docker-reference>)" line per verified signature; otherwise one "Error: ..." line and
// kExitFailure (kExitUsage for a bad command line).
int run_verify_image(const CommandContext& context);

}  // namespace sluice::cli
