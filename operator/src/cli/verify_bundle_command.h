#pragma once
// `sluice verify-bundle --bundle FILE (--certificate-identity ID --certificate-oidc-issuer URL |
// --key PUBKEY.pem) --trusted-root FILE FILE_OR_DIGEST`: verifies a sigstore bundle offline
// (see verify/sigstore/verifier.h), following the sigstore conformance command protocol.
// FILE_OR_DIGEST is the artifact's path or "sha256:<64 hex digits>".
//
// There is no default trust root and no network fetch: --trusted-root is required.

#include "cli/app.h"

namespace sluice::cli {

// On success prints "verified: <artifact>", "signer: <identity or key>" and "log index: <n>"
// and returns kExitOk; otherwise one "Error: ..." line and kExitFailure (kExitUsage for a bad
// command line).
int run_verify_bundle(const CommandContext& context);

}  // namespace sluice::cli
