// cosign's Rekor bundle annotation (a `.sig` layer's "dev.sigstore.cosign/bundle"), then what
// verification parses next out of it: the entry body's kind and its hashedrekord/rekord spec.
#include "fuzz_support.h"
#include "verify/oci/rekor_bundle.h"
#include "verify/sigstore/tlog.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace oci = sluice::verify::oci;
  namespace sigstore = sluice::verify::sigstore;
  sluice::fuzz::refusals_allowed([&] {
    const oci::RekorBundle bundle = oci::parse_rekor_bundle(sluice::fuzz::as_text(data, size));
    const sigstore::TlogEntry entry = oci::rekor_bundle_entry(bundle);
    sigstore::LoggedContent content;
    content.signed_digest = std::string(32, '\0');
    content.signature = "signature";
    content.verifier_der = "verifier";
    sigstore::check_cosign_signature_entry_body(entry, content);
  });
  return 0;
}
