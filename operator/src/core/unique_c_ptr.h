#pragma once
// std::unique_ptr for objects of C libraries (libgit2, OpenSSL) released by a free function:
//   using X509Ptr = UniqueCPtr<X509, X509_free>;
#include <memory>

namespace sluice {

template <class T, auto Free>
struct CFree {
  void operator()(T* pointer) const noexcept { Free(pointer); }
};

template <class T, auto Free>
using UniqueCPtr = std::unique_ptr<T, CFree<T, Free>>;

}  // namespace sluice
