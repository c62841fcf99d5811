// Reading protobuf-JSON fields from untrusted documents: depth and trailing-data limits, exact
// types, int64 strings, protobuf bytes (base64) and RFC 3339 timestamps.
#include "verify/sigstore/json_fields.h"

#include <gtest/gtest.h>

#include "sigstore_test_support.h"

namespace sluice::verify::sigstore {
namespace {

using testing::code_of;
using testing::message_of;

constexpr ErrorCode kFailed = ErrorCode::kVerificationFailed;

Json parse(std::string_view text) {
  return parse_json_document(text, "doc", kFailed);
}

TEST(JsonFieldsTest, ParsesOneObject) {
  const Json doc = parse(R"({"a": "b"})");
  EXPECT_EQ(JsonFields(doc, "doc", kFailed).string("a"), "b");
}

TEST(JsonFieldsTest, RefusesMalformedTruncatedTrailingAndNonObjects) {
  EXPECT_EQ(code_of([] { parse(R"({"a": "b")"); }), kFailed);
  EXPECT_EQ(code_of([] { parse(R"({"a": "b"} {})"); }), kFailed);
  EXPECT_EQ(code_of([] { parse(R"(["a"])"); }), kFailed);
  EXPECT_EQ(code_of([] { parse(""); }), kFailed);
  EXPECT_EQ(code_of([] { parse("\xff\xfe"); }), kFailed);
}

TEST(JsonFieldsTest, RefusesDeepNesting) {
  const std::string deep = std::string(10000, '[') + std::string(10000, ']');
  EXPECT_EQ(code_of([&] { parse("{\"a\":" + deep + "}"); }), ErrorCode::kResourceExhausted);
  const std::string shallow = std::string(20, '[') + std::string(20, ']');
  EXPECT_NO_THROW(parse("{\"a\":" + shallow + "}"));
}

TEST(JsonFieldsTest, MissingAndWrongTypedFieldsNameThePath) {
  const Json doc = parse(R"({"s": 1, "o": {"x": "y"}, "n": null})");
  const JsonFields fields(doc, "bundle", kFailed);
  EXPECT_EQ(message_of([&] { fields.string("missing"); }), "bundle.missing is missing");
  EXPECT_EQ(message_of([&] { fields.string("s"); }), "bundle.s is not a string");
  EXPECT_EQ(message_of([&] { fields.object("o").string("z"); }), "bundle.o.z is missing");
  EXPECT_EQ(message_of([&] { fields.array("o"); }), "bundle.o is not an array");
  EXPECT_EQ(code_of([&] { fields.object("s"); }), kFailed);
}

TEST(JsonFieldsTest, NullIsTheSameAsAbsent) {
  const Json doc = parse(R"({"n": null})");
  const JsonFields fields(doc, "doc", kFailed);
  EXPECT_FALSE(fields.has("n"));
  EXPECT_FALSE(fields.optional_string("n"));
  EXPECT_FALSE(fields.optional_object("n"));
  EXPECT_FALSE(fields.optional_int64("n"));
}

TEST(JsonFieldsTest, Int64FromStringsAndNumbers) {
  const Json doc = parse(
      R"({"a": "123", "b": 45, "c": "-7", "d": "9223372036854775807", "e": "9223372036854775808",
          "f": "+1", "g": "1e3", "h": " 1", "i": "", "j": 1.5, "k": 18446744073709551615,
          "l": "0x10"})");
  const JsonFields fields(doc, "doc", kFailed);
  EXPECT_EQ(fields.int64("a"), 123);
  EXPECT_EQ(fields.int64("b"), 45);
  EXPECT_EQ(fields.int64("c"), -7);
  EXPECT_EQ(fields.int64("d"), 9223372036854775807);
  for (const char* bad : {"e", "f", "g", "h", "i", "j", "k", "l"}) {
    EXPECT_EQ(code_of([&] { fields.int64(bad); }), kFailed) << bad;
  }
}

TEST(JsonFieldsTest, ProtobufBytesAcceptWhatProtojsonAccepts) {
  EXPECT_EQ(decode_protobuf_bytes("aGVsbG8="), "hello");
  EXPECT_EQ(decode_protobuf_bytes("aGVsbG8"), "hello");         // padding optional
  EXPECT_EQ(decode_protobuf_bytes("aGVs\nbG8=\r\n"), "hello");  // wrapped lines
  EXPECT_EQ(decode_protobuf_bytes("-_8="), "\xfb\xff");         // URL-safe alphabet
  EXPECT_EQ(decode_protobuf_bytes("+/8="), "\xfb\xff");
  EXPECT_EQ(decode_protobuf_bytes(""), "");
}

TEST(JsonFieldsTest, ProtobufBytesRefuseEverythingElse) {
  for (const char* bad : {"INVALID!!!BASE64!!!ENCODING====", "aGVs bG8=", "aGVsbG8==", "aG=VsbG8",
                          "-/8=", "aGVsbG9=", "a", "aGVsbG8=\t", "=aGVsbG8"}) {
    EXPECT_FALSE(decode_protobuf_bytes(bad)) << bad;
  }
}

TEST(JsonFieldsTest, Base64FieldsRefuseEmptyUnlessAllowed) {
  const Json doc = parse(R"({"e": "", "x": "!!"})");
  const JsonFields fields(doc, "doc", kFailed);
  EXPECT_EQ(message_of([&] { fields.base64("e"); }), "doc.e is empty");
  EXPECT_EQ(fields.base64("e", /*allow_empty=*/true), "");
  EXPECT_EQ(message_of([&] { fields.base64("x"); }), "doc.x is not valid base64");
}

TEST(JsonFieldsTest, Rfc3339Timestamps) {
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:00Z", false), 0);
  EXPECT_EQ(parse_rfc3339("2021-01-12T11:53:27Z", false), 1610452407);
  EXPECT_EQ(parse_rfc3339("2023-07-12T15:56:36Z", false), 1689177396);
  EXPECT_EQ(parse_rfc3339("2024-02-29T00:00:00Z", false), 1709164800);
  EXPECT_EQ(parse_rfc3339("2021-01-12T12:53:27+01:00", false), 1610452407);
  EXPECT_EQ(parse_rfc3339("2021-01-12T10:53:27-01:00", false), 1610452407);
  // Fractions: window starts round up, ends round down, so neither widens the window.
  EXPECT_EQ(parse_rfc3339("2022-12-31T23:59:59.999Z", false), 1672531199);
  EXPECT_EQ(parse_rfc3339("2022-12-31T23:59:59.999Z", true), 1672531200);
  EXPECT_EQ(parse_rfc3339("2022-12-31T23:59:59.000Z", true), 1672531199);
}

TEST(JsonFieldsTest, Rfc3339RefusesMalformedDates) {
  for (const char* bad :
       {"", "2021-01-12", "2021-01-12T11:53:27", "2021-13-01T00:00:00Z", "2023-02-29T00:00:00Z",
        "2021-01-12T24:00:00Z", "2021-01-12T11:60:00Z", "2021-01-12 11:53:27Z",
        "2021-01-12T11:53:27.Z", "2021-01-12T11:53:27+1:00", "20x1-01-12T11:53:27Z",
        "2021-01-12T11:53:27ZZ", "2021-01-12T11:53:27+25:00"}) {
    EXPECT_FALSE(parse_rfc3339(bad, false)) << bad;
  }
}

}  // namespace
}  // namespace sluice::verify::sigstore
