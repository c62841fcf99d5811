#include "verify/sigstore/dsse.h"

#include <cctype>

#include "core/sha256.h"
#include "verify/sigstore/json_fields.h"

namespace sluice::verify::sigstore {
namespace {

constexpr ErrorCode kCode = ErrorCode::kVerificationFailed;
constexpr std::size_t kMaxSubjects = 1024;  // sigstore-go's limit on statement subjects

}  // namespace

std::string dsse_pae(std::string_view payload_type, std::string_view payload) {
  std::string pae = "DSSEv1 " + std::to_string(payload_type.size()) + " ";
  pae += payload_type;
  pae += " " + std::to_string(payload.size()) + " ";
  pae += payload;
  return pae;
}

void verify_dsse_signature(const DsseEnvelope& envelope, EVP_PKEY* key) {
  if (envelope.signatures.size() != 1) {
    throw Error(kCode, "the DSSE envelope must carry exactly one signature, not " +
                           std::to_string(envelope.signatures.size()));
  }
  if (!verify_message_signature(key, dsse_pae(envelope.payload_type, envelope.payload),
                                envelope.signatures.front().signature)) {
    throw Error(kCode, "the DSSE envelope's signature does not verify");
  }
}

void check_in_toto_subject(const DsseEnvelope& envelope, std::string_view artifact_sha256) {
  if (envelope.payload_type != kInTotoPayloadType) {
    throw Error(kCode, "the DSSE payload type \"" + envelope.payload_type +
                           "\" is not an in-toto statement, so it names no artifact");
  }
  const Json statement = parse_json_document(envelope.payload, "in-toto statement", kCode);
  const JsonFields fields(statement, "in-toto statement", kCode);
  const std::string type = fields.string("_type");
  if (type != "https://in-toto.io/Statement/v1" && type != "https://in-toto.io/Statement/v0.1") {
    throw fields.error("_type", "is not an in-toto statement type: \"" + type + "\"");
  }
  const std::string wanted = to_hex(artifact_sha256);
  const Json& subjects = fields.array("subject");
  if (subjects.empty()) throw fields.error("subject", "is empty");
  if (subjects.size() > kMaxSubjects) throw fields.error("subject", "has too many items");
  for (std::size_t i = 0; i < subjects.size(); ++i) {
    const JsonFields subject(subjects[i], "in-toto statement.subject[" + std::to_string(i) + "]",
                             kCode);
    const JsonFields digests = subject.object("digest");
    const auto sha256 = digests.optional_string("sha256");
    if (!sha256) continue;
    std::string lowered = *sha256;
    for (char& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lowered == wanted) return;
  }
  throw Error(kCode,
              "the in-toto statement has no subject with the artifact's sha256 digest " + wanted);
}

}  // namespace sluice::verify::sigstore
