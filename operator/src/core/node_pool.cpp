#include "core/node_pool.h"

#include <array>
#include <mutex>

#if defined(__SANITIZE_ADDRESS__)
#define SLUICE_NODE_POOL_BYPASSED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SLUICE_NODE_POOL_BYPASSED 1
#endif
#endif
#ifndef SLUICE_NODE_POOL_BYPASSED
#define SLUICE_NODE_POOL_BYPASSED 0
#endif

namespace sluice::node_pool {
namespace {

constexpr bool kBypassed = SLUICE_NODE_POOL_BYPASSED != 0;

constexpr std::size_t kGranule = 8;
constexpr std::size_t kSlabBytes = std::size_t{64} << 10;

struct FreeBlock {
  FreeBlock* next;
};

// The blocks of one size: recycled ones first, then the rest of the current slab.
struct SizeClass {
  std::mutex mutex;
  FreeBlock* free = nullptr;
  char* next = nullptr;
  char* end = nullptr;
};

SizeClass& size_class(std::size_t size) {
  // Never destroyed: JSON held by other static objects may be freed after this file's statics.
  static auto* const classes = new std::array<SizeClass, kMaxBlockSize / kGranule>();
  return (*classes)[(size - 1) / kGranule];
}

std::size_t block_size(std::size_t size) {
  return (size + kGranule - 1) / kGranule * kGranule;
}

}  // namespace

bool recycles() noexcept {
  return !kBypassed;
}

void* allocate(std::size_t size) {
  if constexpr (kBypassed) return ::operator new(size);
  SizeClass& blocks = size_class(size);
  const std::lock_guard lock(blocks.mutex);
  if (blocks.free != nullptr) {
    FreeBlock* const block = blocks.free;
    blocks.free = block->next;
    return block;
  }
  const std::size_t bytes = block_size(size);
  if (blocks.next == blocks.end) {
    blocks.next = static_cast<char*>(::operator new(kSlabBytes));
    blocks.end = blocks.next + kSlabBytes / bytes * bytes;
  }
  void* const block = blocks.next;
  blocks.next += bytes;
  return block;
}

void deallocate(void* block, std::size_t size) noexcept {
  if constexpr (kBypassed) {
    ::operator delete(block);
    return;
  }
  if (block == nullptr) return;
  SizeClass& blocks = size_class(size);
  const std::lock_guard lock(blocks.mutex);
  blocks.free = new (block) FreeBlock{blocks.free};
}

}  // namespace sluice::node_pool
