// trusted_root.json: the production root as shipped with the vectors, validity windows
// (inclusive, start required), key encodings, and refusal of malformed roots.
#include "verify/sigstore/trusted_root.h"

#include <gtest/gtest.h>

#include "sigstore_test_support.h"

namespace sluice::verify::sigstore {
namespace {

using testing::code_of;
using testing::message_of;
using testing::SyntheticBundle;

constexpr ErrorCode kInvalid = ErrorCode::kInvalidArgument;

TEST(TrustedRootTest, ReadsThePublicGoodRoot) {
  const TrustedRoot root =
      parse_trusted_root(testing::vector_file("trusted_root.public-good.json"));
  ASSERT_EQ(root.tlogs.size(), 1U);
  ASSERT_EQ(root.ctlogs.size(), 2U);
  ASSERT_EQ(root.certificate_authorities.size(), 2U);
  ASSERT_EQ(root.timestamp_authorities.size(), 1U);
  EXPECT_EQ(root.tlogs[0].base_url, "https://rekor.sigstore.dev");
  EXPECT_EQ(root.tlogs[0].host(), "rekor.sigstore.dev");
  EXPECT_EQ(encode_base64(root.tlogs[0].log_id), "wNI9atQGlz+VWfO6LRygH4QUfY/8W4RFwiT5i5WRgB0=");
  EXPECT_EQ(root.tlogs[0].valid_for.start, 1610452407);
  EXPECT_FALSE(root.tlogs[0].valid_for.end);
  // "2022-10-31T23:59:59.999Z": the fraction does not extend the window.
  EXPECT_EQ(root.ctlogs[0].valid_for.end, 1667260799);
  EXPECT_EQ(root.certificate_authorities[1].chain.size(), 2U);
  EXPECT_EQ(root.find_tlog(root.tlogs[0].log_id), &root.tlogs[0]);
  EXPECT_EQ(root.find_tlog("unknown"), nullptr);
}

TEST(TrustedRootTest, WindowsAreClosedIntervals) {
  const TimeWindow window{100, 200};
  EXPECT_FALSE(window.contains(99));
  EXPECT_TRUE(window.contains(100));
  EXPECT_TRUE(window.contains(200));
  EXPECT_FALSE(window.contains(201));
  EXPECT_TRUE((TimeWindow{100, std::nullopt}.contains(1000000000000)));
}

TEST(TrustedRootTest, ReadsPkcs1RsaLogKeysAndNullEnds) {
  const TrustedRoot root =
      parse_trusted_root(testing::vector_file("bundle-verify/rekor2-happy-path/trusted_root.json"));
  EXPECT_EQ(describe_key(root.ctlogs[0].key.get()), "RSA 4096");
  EXPECT_EQ(root.tlogs[1].host(), "log2025-alpha1.rekor.sigstage.dev");
  const TrustedRoot with_null = parse_trusted_root(testing::vector_file(
      "bundle-verify/trust-root-tlog-validity-end-inclusive/trusted_root.json"));
  EXPECT_FALSE(with_null.tlogs[1].valid_for.end);
}

TEST(TrustedRootTest, HostIsTheUrlsHostName) {
  TransparencyLog log;
  for (const auto& [url, host] : std::vector<std::pair<std::string, std::string>>{
           {"https://rekor.sigstore.dev", "rekor.sigstore.dev"},
           {"https://rekor.example:8443/api", "rekor.example"},
           {"https://user@rekor.example/", "rekor.example"},
           {"https://[::1]:3000", "::1"},
           {"", ""}}) {
    log.base_url = url;
    EXPECT_EQ(log.host(), host) << url;
  }
}

Json synthetic_root() {
  return SyntheticBundle().trusted_root();
}

TEST(TrustedRootTest, RefusesMalformedRoots) {
  const auto refused = [](Json root) { return code_of([&] { parse_trusted_root(root.dump()); }); };
  Json root = synthetic_root();
  EXPECT_NO_THROW(parse_trusted_root(root.dump()));
  root["tlogs"][0]["publicKey"]["validFor"].erase("start");
  EXPECT_EQ(message_of([&] { parse_trusted_root(root.dump()); }),
            "trusted root.tlogs[0].publicKey.validFor.start is missing");
  root = synthetic_root();
  root["tlogs"][0]["publicKey"]["validFor"]["end"] = "2019-01-01T00:00:00Z";
  EXPECT_EQ(refused(root), kInvalid);
  root = synthetic_root();
  root["tlogs"][0]["publicKey"].erase("validFor");
  EXPECT_EQ(refused(root), kInvalid);
  root = synthetic_root();
  root["tlogs"][0]["publicKey"]["rawBytes"] = encode_base64("not a key");
  EXPECT_EQ(refused(root), kInvalid);
  root = synthetic_root();
  root["tlogs"][0]["logId"]["keyId"] = "%%%";
  EXPECT_EQ(refused(root), kInvalid);
  root = synthetic_root();
  root["mediaType"] = "application/json";
  EXPECT_EQ(refused(root), kInvalid);
  root = synthetic_root();
  root["tlogs"] = Json::object();
  EXPECT_EQ(refused(root), kInvalid);
  root = synthetic_root();
  root["certificateAuthorities"] = {{{"certChain", {{"certificates", Json::array()}}},
                                     {"validFor", {{"start", "2020-01-01T00:00:00Z"}}}}};
  EXPECT_EQ(refused(root), kInvalid);
  EXPECT_EQ(code_of([] { parse_trusted_root("{\"mediaType\":"); }), kInvalid);
  EXPECT_EQ(code_of([] { parse_trusted_root(std::string(kMaxTrustedRootBytes + 1, ' ')); }),
            ErrorCode::kResourceExhausted);
}

}  // namespace
}  // namespace sluice::verify::sigstore
