#pragma once
// `sluice verify-image REF (--key PUBKEY.pem | --certificate-identity[-regexp] ID
// --certificate-oidc-issuer[-regexp] URL [--insecure-ignore-sct]) [--trusted-root FILE]
// [--insecure-ignore-tlog] [--offline] [--allow-http-registry] [--registry-username U
// --registry-password-file F] [--registry-ca-file F] [--timeout 30s]`: checks the image's cosign
// signatures in its registry as `cosign verify ... --trusted-root FILE --offline` does (see
// verify/oci/cosign.h for keys, verify/oci/cosign_keyless.h for certificates): the Rekor
// entries offline against the trusted root (there is no default root and no online lookup;
// --offline is accepted for cosign's command lines, --offline=false is refused), or with
// --insecure-ignore-tlog the key or certificate alone. Keyless always needs --trusted-root (its
// certificate authorities). A given trusted root must parse even when the log is ignored, as in
// cosign. The password is read from a file so it never shows in a process list.

#include "cli/app.h"

namespace sluice::cli {

// On success prints "verified: <name>@<digest>" and one "signature: <payload digest>
// (<docker-reference>)" line per verified signature (keyless: followed by "signer: <SAN> (issuer
// <URL>) certificate SHA256:<fingerprint>"); otherwise one "Error: ..." line and
// kExitFailure (kExitUsage for a bad command line).
int run_verify_image(const CommandContext& context);

}  // namespace sluice::cli
