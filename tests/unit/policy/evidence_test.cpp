#include "policy/evidence.h"

#include <gtest/gtest.h>

namespace sluice::policy {
namespace {

TEST(SignatureFormat, ByArmorLine) {
  EXPECT_EQ(signature_format("-----BEGIN SSH SIGNATURE-----\nU1NI\n-----END SSH SIGNATURE-----\n"),
            SignatureFormat::kSsh);
  EXPECT_EQ(signature_format("-----BEGIN SIGNED MESSAGE-----\nMII\n"), SignatureFormat::kX509);
  EXPECT_EQ(signature_format("-----BEGIN PGP SIGNATURE-----\n\niQ\n"), SignatureFormat::kOpenPgp);
  EXPECT_EQ(signature_format("-----BEGIN PGP MESSAGE-----\n"), SignatureFormat::kOpenPgp);
  EXPECT_EQ(signature_format(""), SignatureFormat::kUnknown);
  EXPECT_EQ(signature_format("garbage\n-----BEGIN SSH SIGNATURE-----\n"),
            SignatureFormat::kUnknown);
  EXPECT_EQ(signature_format(" -----BEGIN SSH SIGNATURE-----"), SignatureFormat::kUnknown);
}

}  // namespace
}  // namespace sluice::policy
