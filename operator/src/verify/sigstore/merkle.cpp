#include "verify/sigstore/merkle.h"

#include "core/error.h"
#include "core/sha256.h"

namespace sluice::verify::sigstore {
namespace {

std::string node_hash(std::string_view left, std::string_view right) {
  Sha256 hash;
  hash.update(std::string_view("\x01", 1));
  hash.update(left);
  hash.update(right);
  return hash.finish_raw();
}

}  // namespace

std::string merkle_leaf_hash(std::string_view leaf) {
  Sha256 hash;
  hash.update(std::string_view("\0", 1));
  hash.update(leaf);
  return hash.finish_raw();
}

std::string merkle_root_from_inclusion_proof(std::uint64_t index, std::uint64_t tree_size,
                                             std::string_view leaf_hash,
                                             const std::vector<std::string>& proof) {
  if (index >= tree_size) {
    throw Error(ErrorCode::kVerificationFailed, "inclusion proof index " + std::to_string(index) +
                                                    " is outside a tree of " +
                                                    std::to_string(tree_size));
  }
  std::uint64_t node = index;
  std::uint64_t last = tree_size - 1;
  std::string root(leaf_hash);
  for (const std::string& sibling : proof) {
    if (last == 0) {
      throw Error(ErrorCode::kVerificationFailed, "inclusion proof has too many hashes");
    }
    if ((node & 1) != 0 || node == last) {
      root = node_hash(sibling, root);
      while ((node & 1) == 0 && node != 0) {
        node >>= 1;
        last >>= 1;
      }
    } else {
      root = node_hash(root, sibling);
    }
    node >>= 1;
    last >>= 1;
  }
  if (last != 0) throw Error(ErrorCode::kVerificationFailed, "inclusion proof has too few hashes");
  return root;
}

}  // namespace sluice::verify::sigstore
