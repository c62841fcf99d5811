// The TransparencyLogEntry protobuf reader on messages encoded here field by field.
#include "verify/rekor_proto.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/error.h"
#include "protobuf_writer.h"

namespace sluice::verify {
namespace {

using ::testing::HasSubstr;

using sluice::testing::protobuf::bytes_field;
using sluice::testing::protobuf::int_field;
using sluice::testing::protobuf::key;
using sluice::testing::protobuf::varint;

std::string proof(const std::string& extra = "") {
  return int_field(1, 5) + bytes_field(2, std::string(32, 'r')) + int_field(3, 9) +
         bytes_field(4, std::string(32, 'a')) + bytes_field(4, std::string(32, 'b')) +
         bytes_field(5, bytes_field(1, "checkpoint note\n")) + extra;
}

std::string entry(const std::string& extra = "") {
  return int_field(1, 123456789) + bytes_field(2, bytes_field(1, std::string(32, 'k'))) +
         bytes_field(3, bytes_field(1, "hashedrekord") + bytes_field(2, "0.0.1")) +
         int_field(4, 1700000100) + bytes_field(5, bytes_field(1, "SET")) +
         bytes_field(6, proof()) + extra;
}

std::string message_of(const std::string& bytes) {
  try {
    parse_tlog_entry_proto(bytes);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kVerificationFailed);
    return e.message();
  }
  ADD_FAILURE() << "parsed";
  return "";
}

TEST(RekorProto, ReadsEveryField) {
  const sigstore::TlogEntry parsed = parse_tlog_entry_proto(entry(bytes_field(7, "{body}")));
  EXPECT_EQ(parsed.log_index, 123456789);
  EXPECT_EQ(parsed.log_id, std::string(32, 'k'));
  EXPECT_EQ(parsed.kind, "hashedrekord");
  EXPECT_EQ(parsed.version, "0.0.1");
  EXPECT_EQ(parsed.integrated_time, 1700000100);
  EXPECT_EQ(parsed.signed_entry_timestamp, "SET");
  ASSERT_TRUE(parsed.inclusion_proof);
  EXPECT_EQ(parsed.inclusion_proof->log_index, 5);
  EXPECT_EQ(parsed.inclusion_proof->root_hash, std::string(32, 'r'));
  EXPECT_EQ(parsed.inclusion_proof->tree_size, 9);
  EXPECT_EQ(parsed.inclusion_proof->hashes,
            (std::vector<std::string>{std::string(32, 'a'), std::string(32, 'b')}));
  EXPECT_EQ(parsed.inclusion_proof->checkpoint, "checkpoint note\n");
  EXPECT_EQ(parsed.canonicalized_body, "{body}");
}

TEST(RekorProto, AbsentFieldsKeepTheirDefaults) {
  const sigstore::TlogEntry parsed = parse_tlog_entry_proto(bytes_field(2, bytes_field(1, "id")));
  EXPECT_EQ(parsed.log_index, 0);
  EXPECT_FALSE(parsed.integrated_time);
  EXPECT_FALSE(parsed.signed_entry_timestamp);
  EXPECT_FALSE(parsed.inclusion_proof);
  EXPECT_EQ(parsed.canonicalized_body, "");
  EXPECT_THAT(message_of(""), HasSubstr("no logId"));
}

TEST(RekorProto, UnknownFieldsOfEveryWireTypeAreSkipped) {
  const std::string unknown = int_field(99, 5) + key(98, 1) + std::string(8, 'x') +
                              bytes_field(97, "zz") + key(96, 5) + std::string(4, 'y');
  const sigstore::TlogEntry parsed = parse_tlog_entry_proto(unknown + entry(unknown));
  EXPECT_EQ(parsed.log_index, 123456789);
  EXPECT_EQ(
      parse_tlog_entry_proto(bytes_field(2, bytes_field(1, "id")) + bytes_field(6, proof(unknown)))
          .inclusion_proof->tree_size,
      9);
}

TEST(RekorProto, MalformedMessagesAreRefusedWithTheField) {
  // A prefix ending between top-level fields is a valid, shorter message (protobuf has no
  // end marker); every other truncation must be refused. The boundaries after logId,
  // kindVersion, integratedTime and inclusionPromise parse: four.
  const std::string good = entry();
  int parsed = 0;
  for (std::size_t size = 1; size < good.size(); ++size) {
    try {
      parse_tlog_entry_proto(good.substr(0, size));
      ++parsed;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kVerificationFailed);
    }
  }
  EXPECT_EQ(parsed, 4);
  EXPECT_THAT(message_of(entry(int_field(1, 1))), HasSubstr("logIndex appears twice"));
  EXPECT_THAT(message_of(entry(bytes_field(4, "x"))), HasSubstr("integratedTime has the wrong"));
  EXPECT_THAT(message_of(entry(key(50, 3))), HasSubstr("unsupported wire type 3"));
  EXPECT_THAT(message_of(entry(int_field(1, 1ULL << 63))), HasSubstr("appears twice"));
  EXPECT_THAT(message_of(int_field(1, 1ULL << 63)), HasSubstr("logIndex is negative"));
  EXPECT_THAT(message_of(entry(key(0, 0) + varint(1))), HasSubstr("invalid field number"));
  EXPECT_THAT(message_of(std::string(11, '\xff')), HasSubstr("varint"));
  EXPECT_THAT(message_of(key(9, 2) + varint(1000) + "short"), HasSubstr("runs past the end"));
  std::string many;
  for (std::size_t i = 0; i <= kMaxProtoHashes; ++i) many += bytes_field(4, "h");
  EXPECT_THAT(message_of(bytes_field(2, bytes_field(1, "id")) + bytes_field(6, many)),
              HasSubstr("too many hashes"));
  EXPECT_THAT(message_of(bytes_field(2, bytes_field(1, "id")) + bytes_field(6, int_field(3, 1))),
              HasSubstr("no checkpoint"));
  EXPECT_THAT(message_of(std::string(kMaxTlogEntryProtoBytes + 1, '\0')), HasSubstr("larger"));
}

}  // namespace
}  // namespace sluice::verify
