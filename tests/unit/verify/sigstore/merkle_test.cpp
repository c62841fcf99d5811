// RFC 6962 inclusion proofs, checked against trees and audit paths built here from the RFC's
// recursive definitions for every index of trees of 1 to 17 leaves.
#include "verify/sigstore/merkle.h"

#include <gtest/gtest.h>

#include "sigstore_test_support.h"

namespace sluice::verify::sigstore {
namespace {

using testing::node;

std::vector<std::string> leaves(std::size_t count) {
  std::vector<std::string> hashes;
  for (std::size_t i = 0; i < count; ++i)
    hashes.push_back(merkle_leaf_hash("leaf " + std::to_string(i)));
  return hashes;
}

std::size_t split_point(std::size_t size) {
  std::size_t k = 1;
  while (k * 2 < size) k *= 2;
  return k;
}

// MTH(D[begin:end]) (RFC 6962 section 2.1).
std::string tree_hash(const std::vector<std::string>& hashes, std::size_t begin, std::size_t end) {
  if (end - begin == 1) return hashes[begin];
  const std::size_t k = split_point(end - begin);
  return node(tree_hash(hashes, begin, begin + k), tree_hash(hashes, begin + k, end));
}

// PATH(m, D[begin:end]) (RFC 6962 section 2.1.1).
std::vector<std::string> audit_path(const std::vector<std::string>& hashes, std::size_t m,
                                    std::size_t begin, std::size_t end) {
  if (end - begin == 1) return {};
  const std::size_t k = split_point(end - begin);
  std::vector<std::string> path;
  if (m < k) {
    path = audit_path(hashes, m, begin, begin + k);
    path.push_back(tree_hash(hashes, begin + k, end));
  } else {
    path = audit_path(hashes, m - k, begin + k, end);
    path.push_back(tree_hash(hashes, begin, begin + k));
  }
  return path;
}

TEST(MerkleTest, LeafHashPrefixesZero) {
  EXPECT_EQ(to_hex(merkle_leaf_hash("")),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
}

TEST(MerkleTest, EveryIndexOfEverySmallTreeVerifies) {
  for (std::size_t size = 1; size <= 17; ++size) {
    const std::vector<std::string> hashes = leaves(size);
    const std::string root = tree_hash(hashes, 0, size);
    for (std::size_t index = 0; index < size; ++index) {
      const auto path = audit_path(hashes, index, 0, size);
      EXPECT_EQ(merkle_root_from_inclusion_proof(index, size, hashes[index], path), root)
          << "size " << size << " index " << index;
    }
  }
}

TEST(MerkleTest, WrongPathsDoNotLeadToTheRoot) {
  const std::vector<std::string> hashes = leaves(7);
  const std::string root = tree_hash(hashes, 0, 7);
  auto path = audit_path(hashes, 3, 0, 7);
  EXPECT_NE(merkle_root_from_inclusion_proof(3, 7, hashes[4], path), root);
  EXPECT_NE(merkle_root_from_inclusion_proof(4, 7, hashes[3], audit_path(hashes, 3, 0, 7)), root);
  path[1][0] = static_cast<char>(path[1][0] ^ 1);
  EXPECT_NE(merkle_root_from_inclusion_proof(3, 7, hashes[3], path), root);
}

TEST(MerkleTest, PathsOfTheWrongLengthOrIndexesOutsideTheTreeThrow) {
  const std::vector<std::string> hashes = leaves(8);
  auto path = audit_path(hashes, 5, 0, 8);
  auto longer = path;
  longer.push_back(hashes[0]);
  auto shorter = path;
  shorter.pop_back();
  const auto code = [](const std::function<void()>& call) { return testing::code_of(call); };
  EXPECT_EQ(code([&] { merkle_root_from_inclusion_proof(5, 8, hashes[5], longer); }),
            ErrorCode::kVerificationFailed);
  EXPECT_EQ(code([&] { merkle_root_from_inclusion_proof(5, 8, hashes[5], shorter); }),
            ErrorCode::kVerificationFailed);
  EXPECT_EQ(code([&] { merkle_root_from_inclusion_proof(8, 8, hashes[5], path); }),
            ErrorCode::kVerificationFailed);
  EXPECT_EQ(code([&] { merkle_root_from_inclusion_proof(0, 0, hashes[0], {}); }),
            ErrorCode::kVerificationFailed);
  EXPECT_EQ(code([&] { merkle_root_from_inclusion_proof(0, 1, hashes[0], {hashes[1]}); }),
            ErrorCode::kVerificationFailed);
}

}  // namespace
}  // namespace sluice::verify::sigstore
