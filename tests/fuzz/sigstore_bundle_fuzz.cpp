// Sigstore bundle JSON parsing, then what verification parses next out of a bundle: each
// entry's canonicalized body, checkpoint note, RFC 3161 timestamp and certificate extensions.
#include "fuzz_support.h"
#include "verify/sigstore/bundle.h"
#include "verify/sigstore/certificate.h"
#include "verify/sigstore/checkpoint.h"
#include "verify/sigstore/timestamp.h"
#include "verify/sigstore/tlog.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace sigstore = sluice::verify::sigstore;
  sluice::fuzz::refusals_allowed([&] {
    const sigstore::Bundle bundle = sigstore::parse_bundle(sluice::fuzz::as_text(data, size));
    sigstore::LoggedContent content;
    content.signed_digest = std::string(32, '\0');
    content.signature = "signature";
    content.verifier_der = "verifier";
    content.verifier_is_certificate = !bundle.certificates.empty();
    if (bundle.dsse_envelope) content.envelope = &*bundle.dsse_envelope;
    for (const sigstore::TlogEntry& entry : bundle.tlog_entries) {
      sluice::fuzz::refusals_allowed([&] { sigstore::check_entry_body(entry, content); });
      if (entry.inclusion_proof) {
        sluice::fuzz::refusals_allowed(
            [&] { sigstore::parse_checkpoint(entry.inclusion_proof->checkpoint); });
      }
    }
    for (const std::string& timestamp : bundle.rfc3161_timestamps) {
      sluice::fuzz::refusals_allowed([&] { sigstore::timestamp_time(timestamp); });
    }
    for (const sigstore::CertificatePtr& certificate : bundle.certificates) {
      sluice::fuzz::refusals_allowed([&] { sigstore::certificate_identity(certificate.get()); });
    }
  });
  return 0;
}
