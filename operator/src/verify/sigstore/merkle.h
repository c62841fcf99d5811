#pragma once
// RFC 6962 / RFC 9162 Merkle trees as Rekor keeps them: leaf hash SHA-256(0x00 || entry),
// node hash SHA-256(0x01 || left || right), and checking an inclusion proof.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::verify::sigstore {

std::string merkle_leaf_hash(std::string_view leaf);

// The root the audit path yields for `leaf_hash` at `index` in a tree of `tree_size` leaves
// (RFC 9162 section 2.1.3.2); throws kVerificationFailed when the path has the wrong length
// for that index and size or the index is outside the tree.
std::string merkle_root_from_inclusion_proof(std::uint64_t index, std::uint64_t tree_size,
                                             std::string_view leaf_hash,
                                             const std::vector<std::string>& proof);

}  // namespace sluice::verify::sigstore
