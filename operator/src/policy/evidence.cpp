#include "policy/evidence.h"

namespace sluice::policy {

SignatureFormat signature_format(std::string_view armored) {
  // The armor lines git itself recognises (gpg-interface.c), gitsign's being gpgsm's.
  const std::string_view first = armored.substr(0, armored.find('\n'));
  if (first.starts_with("-----BEGIN SSH SIGNATURE-----")) return SignatureFormat::kSsh;
  if (first.starts_with("-----BEGIN SIGNED MESSAGE-----")) return SignatureFormat::kX509;
  if (first.starts_with("-----BEGIN PGP SIGNATURE-----") ||
      first.starts_with("-----BEGIN PGP MESSAGE-----")) {
    return SignatureFormat::kOpenPgp;
  }
  return SignatureFormat::kUnknown;
}

}  // namespace sluice::policy
