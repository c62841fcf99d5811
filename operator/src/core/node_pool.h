#pragma once

// Fixed-size blocks for the small heap objects a JSON tree is made of. nlohmann::basic_json
// keeps every string, object and array behind a pointer to a separately allocated 24- or 32-byte
// handle (std::string, std::vector); glibc's malloc adds 8 to 16 bytes of header and rounding to
// each, about a sixth of a rendered overlay's memory. Blocks here carry no header: they are cut
// from 64 KiB slabs and recycled through one free list per size.
//
// Slabs are never returned to the system; freed blocks are reused by the next trees built, as
// glibc's arenas reuse freed chunks. Safe to use from any thread (one mutex per size). When
// node_pool.cpp is built with AddressSanitizer, every block comes from operator new instead, so
// use-after-free on a handle is still reported. (The choice is made in that one file, never in
// a header, so every translation unit agrees on it.)

#include <cstddef>
#include <new>

namespace sluice {
namespace node_pool {

// Sizes the pool serves: multiples of 8 up to kMaxBlockSize.
inline constexpr std::size_t kMaxBlockSize = 32;

// A block of at least `size` bytes (1..kMaxBlockSize), aligned to 8. Throws std::bad_alloc.
void* allocate(std::size_t size);
// Returns a block from allocate(size), with the same size.
void deallocate(void* block, std::size_t size) noexcept;

// False when the pool is bypassed (an AddressSanitizer build, see above).
bool recycles() noexcept;

}  // namespace node_pool

// An allocator for basic_json's AllocatorType: single small objects come from node_pool, all
// else (arrays of several elements) from operator new.
template <class T>
class JsonAllocator {
 public:
  using value_type = T;

  JsonAllocator() noexcept = default;
  template <class U>
  JsonAllocator(const JsonAllocator<U>& /*other*/) noexcept {}  // NOLINT: rebinding converts

  T* allocate(std::size_t n) {
    if (pooled(n)) return static_cast<T*>(node_pool::allocate(sizeof(T)));
    return static_cast<T*>(::operator new(n * sizeof(T)));
  }
  void deallocate(T* pointer, std::size_t n) noexcept {
    if (pooled(n)) {
      node_pool::deallocate(pointer, sizeof(T));
    } else {
      ::operator delete(pointer);
    }
  }

  template <class U>
  bool operator==(const JsonAllocator<U>& /*other*/) const noexcept {
    return true;
  }

 private:
  static constexpr bool pooled(std::size_t n) noexcept {
    return n == 1 && sizeof(T) <= node_pool::kMaxBlockSize && alignof(T) <= 8;
  }
};

}  // namespace sluice
