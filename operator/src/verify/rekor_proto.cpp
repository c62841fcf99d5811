#include "verify/rekor_proto.h"

#include <cstdint>
#include <set>
#include <string>

#include "core/error.h"

namespace sluice::verify {
namespace {

using sigstore::InclusionProof;
using sigstore::TlogEntry;

enum WireType : std::uint32_t { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kFixed32 = 5 };

[[noreturn]] void malformed(const std::string& where, const std::string& what) {
  throw Error(ErrorCode::kVerificationFailed,
              "transparency log entry (protobuf) " + where + ": " + what);
}

// One message's fields in order; `where` names the message for errors.
class WireReader {
 public:
  WireReader(std::string_view bytes, std::string where) : rest_(bytes), where_(std::move(where)) {}

  bool done() const { return rest_.empty(); }
  const std::string& where() const { return where_; }

  // Reads a field key; returns the field number and sets `wire_type`.
  std::uint32_t next_key(std::uint32_t& wire_type) {
    const std::uint64_t key = varint();
    wire_type = static_cast<std::uint32_t>(key & 7);
    const std::uint64_t number = key >> 3;
    if (number == 0 || number > 536870911) malformed(where_, "invalid field number");
    return static_cast<std::uint32_t>(number);
  }

  std::uint64_t varint() {
    std::uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (rest_.empty()) malformed(where_, "truncated varint");
      const auto byte = static_cast<std::uint8_t>(rest_.front());
      rest_.remove_prefix(1);
      if (shift == 63 && (byte & 0x7e) != 0) malformed(where_, "varint overflows 64 bits");
      value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return value;
    }
    malformed(where_, "varint longer than 10 bytes");
  }

  std::string_view length_delimited() {
    const std::uint64_t length = varint();
    if (length > rest_.size()) malformed(where_, "length runs past the end");
    const std::string_view value = rest_.substr(0, static_cast<std::size_t>(length));
    rest_.remove_prefix(static_cast<std::size_t>(length));
    return value;
  }

  void skip(std::uint32_t wire_type) {
    switch (wire_type) {
      case kVarint:
        varint();
        return;
      case kFixed64:
        take(8);
        return;
      case kLengthDelimited:
        length_delimited();
        return;
      case kFixed32:
        take(4);
        return;
      default:
        malformed(where_, "unsupported wire type " + std::to_string(wire_type));
    }
  }

 private:
  void take(std::size_t count) {
    if (rest_.size() < count) malformed(where_, "truncated fixed-width field");
    rest_.remove_prefix(count);
  }

  std::string_view rest_;
  std::string where_;
};

// Field bookkeeping shared by every message: wire type checks and "singular fields once".
class Fields {
 public:
  explicit Fields(WireReader& reader) : reader_(reader) {}

  void expect(std::uint32_t number, std::uint32_t wire_type, std::uint32_t wanted, const char* name,
              bool repeated = false) {
    if (wire_type != wanted) malformed(reader_.where(), std::string(name) + " has the wrong type");
    if (!repeated && !seen_.insert(number).second) {
      malformed(reader_.where(), std::string(name) + " appears twice");
    }
  }

  std::int64_t non_negative(const char* name) {
    const std::uint64_t value = reader_.varint();
    if (value > static_cast<std::uint64_t>(INT64_MAX)) {
      malformed(reader_.where(), std::string(name) + " is negative");
    }
    return static_cast<std::int64_t>(value);
  }

 private:
  WireReader& reader_;
  std::set<std::uint32_t> seen_;
};

// Reads a message with a single length-delimited field 1 (LogId.key_id,
// InclusionPromise.signed_entry_timestamp, Checkpoint.envelope).
std::string single_bytes_field(std::string_view bytes, const std::string& where, const char* name) {
  WireReader reader(bytes, where);
  Fields fields(reader);
  std::string value;
  while (!reader.done()) {
    std::uint32_t wire_type = 0;
    const std::uint32_t number = reader.next_key(wire_type);
    if (number != 1) {
      reader.skip(wire_type);
      continue;
    }
    fields.expect(number, wire_type, kLengthDelimited, name);
    value = std::string(reader.length_delimited());
  }
  return value;
}

void parse_kind_version(std::string_view bytes, TlogEntry& entry) {
  WireReader reader(bytes, "kindVersion");
  Fields fields(reader);
  while (!reader.done()) {
    std::uint32_t wire_type = 0;
    const std::uint32_t number = reader.next_key(wire_type);
    if (number == 1) {
      fields.expect(number, wire_type, kLengthDelimited, "kind");
      entry.kind = std::string(reader.length_delimited());
    } else if (number == 2) {
      fields.expect(number, wire_type, kLengthDelimited, "version");
      entry.version = std::string(reader.length_delimited());
    } else {
      reader.skip(wire_type);
    }
  }
}

InclusionProof parse_inclusion_proof(std::string_view bytes) {
  WireReader reader(bytes, "inclusionProof");
  Fields fields(reader);
  InclusionProof proof;
  while (!reader.done()) {
    std::uint32_t wire_type = 0;
    const std::uint32_t number = reader.next_key(wire_type);
    switch (number) {
      case 1:
        fields.expect(number, wire_type, kVarint, "logIndex");
        proof.log_index = fields.non_negative("logIndex");
        break;
      case 2:
        fields.expect(number, wire_type, kLengthDelimited, "rootHash");
        proof.root_hash = std::string(reader.length_delimited());
        break;
      case 3:
        fields.expect(number, wire_type, kVarint, "treeSize");
        proof.tree_size = fields.non_negative("treeSize");
        break;
      case 4:
        fields.expect(number, wire_type, kLengthDelimited, "hashes", true);
        if (proof.hashes.size() == kMaxProtoHashes) malformed("inclusionProof", "too many hashes");
        proof.hashes.emplace_back(reader.length_delimited());
        break;
      case 5:
        fields.expect(number, wire_type, kLengthDelimited, "checkpoint");
        proof.checkpoint =
            single_bytes_field(reader.length_delimited(), "checkpoint", "checkpoint.envelope");
        break;
      default:
        reader.skip(wire_type);
    }
  }
  if (proof.checkpoint.empty()) malformed("inclusionProof", "has no checkpoint");
  return proof;
}

}  // namespace

TlogEntry parse_tlog_entry_proto(std::string_view bytes) {
  if (bytes.size() > kMaxTlogEntryProtoBytes) {
    throw Error(ErrorCode::kVerificationFailed,
                "transparency log entry (protobuf) is larger than " +
                    std::to_string(kMaxTlogEntryProtoBytes) + " bytes");
  }
  WireReader reader(bytes, "TransparencyLogEntry");
  Fields fields(reader);
  TlogEntry entry;
  while (!reader.done()) {
    std::uint32_t wire_type = 0;
    const std::uint32_t number = reader.next_key(wire_type);
    switch (number) {
      case 1:
        fields.expect(number, wire_type, kVarint, "logIndex");
        entry.log_index = fields.non_negative("logIndex");
        break;
      case 2:
        fields.expect(number, wire_type, kLengthDelimited, "logId");
        entry.log_id = single_bytes_field(reader.length_delimited(), "logId", "logId.keyId");
        break;
      case 3:
        fields.expect(number, wire_type, kLengthDelimited, "kindVersion");
        parse_kind_version(reader.length_delimited(), entry);
        break;
      case 4:
        fields.expect(number, wire_type, kVarint, "integratedTime");
        entry.integrated_time = fields.non_negative("integratedTime");
        break;
      case 5:
        fields.expect(number, wire_type, kLengthDelimited, "inclusionPromise");
        entry.signed_entry_timestamp = single_bytes_field(
            reader.length_delimited(), "inclusionPromise", "signedEntryTimestamp");
        break;
      case 6:
        fields.expect(number, wire_type, kLengthDelimited, "inclusionProof");
        entry.inclusion_proof = parse_inclusion_proof(reader.length_delimited());
        break;
      case 7:
        fields.expect(number, wire_type, kLengthDelimited, "canonicalizedBody");
        entry.canonicalized_body = std::string(reader.length_delimited());
        break;
      default:
        reader.skip(wire_type);
    }
  }
  if (entry.log_id.empty()) malformed("TransparencyLogEntry", "has no logId");
  return entry;
}

}  // namespace sluice::verify
