#include "verify/sigstore/checkpoint.h"

#include <charconv>

#include "core/base64.h"
#include "core/error.h"
#include "verify/sigstore/crypto.h"

namespace sluice::verify::sigstore {
namespace {

constexpr std::string_view kSignaturePrefix = "\xE2\x80\x94 ";  // em dash, space
constexpr std::size_t kMaxSignatures = 100;

[[noreturn]] void refuse(const std::string& problem) {
  throw Error(ErrorCode::kVerificationFailed, "checkpoint " + problem);
}

// Splits "a\nb\n" into {"a", "b"}; the text must end with a newline.
std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    if (end == std::string_view::npos) refuse("does not end with a newline");
    lines.push_back(text.substr(0, end));
    text.remove_prefix(end + 1);
  }
  return lines;
}

std::uint64_t parse_size(std::string_view text) {
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || (text.size() > 1 && text[0] == '0')) {
    refuse("tree size \"" + std::string(text) + "\" is not a decimal number");
  }
  return value;
}

NoteSignature parse_signature_line(std::string_view line) {
  if (!line.starts_with(kSignaturePrefix)) refuse("signature line does not start with \"— \"");
  line.remove_prefix(kSignaturePrefix.size());
  const std::size_t space = line.find(' ');
  if (space == 0 || space == std::string_view::npos) refuse("signature line has no signer name");
  NoteSignature signature;
  signature.name = std::string(line.substr(0, space));
  auto decoded = decode_base64(line.substr(space + 1));
  if (!decoded || decoded->size() < 5) refuse("signature of " + signature.name + " is malformed");
  signature.key_hint = decoded->substr(0, 4);
  signature.signature = decoded->substr(4);
  return signature;
}

}  // namespace

Checkpoint parse_checkpoint(std::string_view note) {
  if (note.size() > kMaxCheckpointBytes) refuse("is larger than 64 KiB");
  for (const char c : note) {
    if ((static_cast<unsigned char>(c) < 0x20 && c != '\n')) refuse("contains control characters");
  }
  const std::size_t split = note.find("\n\n");
  if (split == std::string_view::npos) refuse("has no blank line before its signatures");
  Checkpoint checkpoint;
  checkpoint.signed_text = std::string(note.substr(0, split + 1));
  const std::vector<std::string_view> body = lines_of(checkpoint.signed_text);
  if (body.size() < 3) refuse("needs an origin, a tree size and a root hash");
  if (body[0].empty()) refuse("has an empty origin");
  checkpoint.origin = std::string(body[0]);
  checkpoint.tree_size = parse_size(body[1]);
  auto root = decode_base64(body[2]);
  if (!root || root->size() != 32) refuse("root hash is not a base64 32-byte hash");
  checkpoint.root_hash = *root;
  for (std::size_t i = 3; i < body.size(); ++i) {
    if (body[i].empty()) refuse("has an empty extension line");
    checkpoint.extensions.emplace_back(body[i]);
  }
  const std::vector<std::string_view> signature_lines = lines_of(note.substr(split + 2));
  if (signature_lines.empty()) refuse("has no signatures");
  if (signature_lines.size() > kMaxSignatures) refuse("has too many signatures");
  for (std::string_view line : signature_lines) {
    checkpoint.signatures.push_back(parse_signature_line(line));
  }
  return checkpoint;
}

bool checkpoint_signed_by(const Checkpoint& checkpoint, std::string_view signer_name,
                          std::string_view key_hint, EVP_PKEY* key) {
  for (const NoteSignature& signature : checkpoint.signatures) {
    if (signature.name != signer_name || signature.key_hint != key_hint) continue;
    if (verify_message_signature(key, checkpoint.signed_text, signature.signature)) return true;
  }
  return false;
}

}  // namespace sluice::verify::sigstore

namespace sluice::verify::sigstore {

bool checkpoint_signed_only_by(const Checkpoint& checkpoint, std::string_view key_hint,
                               EVP_PKEY* key) {
  if (checkpoint.signatures.empty()) return false;
  for (const NoteSignature& signature : checkpoint.signatures) {
    if (signature.key_hint != key_hint ||
        !verify_message_signature(key, checkpoint.signed_text, signature.signature)) {
      return false;
    }
  }
  return true;
}

bool is_rekor_v1_checkpoint(const Checkpoint& checkpoint) {
  const std::size_t separator = checkpoint.origin.rfind(" - ");
  if (separator == std::string::npos) return false;
  const std::string_view tree_id = std::string_view(checkpoint.origin).substr(separator + 3);
  return !tree_id.empty() && tree_id.find_first_not_of("0123456789") == std::string_view::npos;
}

}  // namespace sluice::verify::sigstore
