#pragma once

// The object type of sluice's JSON trees (core/json.h): a vector of key/value pairs kept
// sorted by key. It iterates in the same order as std::map (which the YAML writer relies on
// for kustomize's key order) and offers the subset of std::map's interface nlohmann::basic_json
// uses, at a fraction of the memory: an entry is one pair in a contiguous array instead of a
// separately allocated tree node (48 bytes of node header and allocator overhead per key).
// That is what keeps a rendered overlay's peak memory near its input size.
//
// Unlike std::map, inserting or erasing a key invalidates iterators and references to the
// other entries of the same object (as with std::vector). Code must not hold a reference to one
// member of an object across an insertion into that same object; references into nested
// objects stay valid, since the nested trees live on the heap and only their handles move.
//
// Keys are mutable through iterators only so the vector can shift entries; changing a key in
// place breaks the ordering and is a bug.

#include <algorithm>
#include <functional>
#include <initializer_list>
#include <stdexcept>
#include <utility>
#include <vector>

namespace sluice {

template <class Key, class T, class IgnoredCompare = std::less<>,
          class IgnoredAllocator = std::allocator<std::pair<const Key, T>>>
class SortedFlatMap : public std::vector<std::pair<Key, T>> {
 public:
  using key_type = Key;
  using mapped_type = T;
  using key_compare = std::less<>;
  using Container = std::vector<std::pair<Key, T>>;
  using value_type = typename Container::value_type;
  using iterator = typename Container::iterator;
  using const_iterator = typename Container::const_iterator;
  using size_type = typename Container::size_type;

  SortedFlatMap() noexcept = default;
  template <class It>
  SortedFlatMap(It first, It last) {
    for (; first != last; ++first) emplace(first->first, first->second);
  }
  SortedFlatMap(std::initializer_list<value_type> init) : SortedFlatMap(init.begin(), init.end()) {}

  template <class K>
  iterator find(const K& key) {
    const auto it = lower_bound(key);
    return it != this->end() && !key_compare{}(key, it->first) ? it : this->end();
  }
  template <class K>
  const_iterator find(const K& key) const {
    const auto it = lower_bound(key);
    return it != this->end() && !key_compare{}(key, it->first) ? it : this->end();
  }
  template <class K>
  size_type count(const K& key) const {
    return find(key) == this->end() ? 0 : 1;
  }
  template <class K>
  bool contains(const K& key) const {
    return find(key) != this->end();
  }

  template <class K, class... Args>
  std::pair<iterator, bool> emplace(K&& key, Args&&... args) {
    auto it = lower_bound(key);
    if (it != this->end() && !key_compare{}(key, it->first)) return {it, false};
    if (this->size() == this->capacity()) {
      // std::vector would double; most objects are small and grow by a key or two after they
      // are read (kustomize's metadata, a label), so grow in small steps and keep memory near
      // the exact size. Large objects still grow geometrically.
      const std::ptrdiff_t offset = it - this->begin();
      this->reserve(this->size() + std::max<size_type>(1, this->size() / 2));
      it = this->begin() + offset;
    }
    it = Container::emplace(it, std::piecewise_construct,
                            std::forward_as_tuple(std::forward<K>(key)),
                            std::forward_as_tuple(std::forward<Args>(args)...));
    return {it, true};
  }
  std::pair<iterator, bool> insert(const value_type& value) {
    return emplace(value.first, value.second);
  }
  std::pair<iterator, bool> insert(value_type&& value) {
    return emplace(std::move(value.first), std::move(value.second));
  }
  template <class It>
  void insert(It first, It last) {
    for (; first != last; ++first) emplace(first->first, first->second);
  }

  template <class K>
  T& operator[](K&& key) {
    return emplace(std::forward<K>(key)).first->second;
  }

  template <class K>
  T& at(const K& key) {
    const auto it = find(key);
    if (it == this->end()) throw std::out_of_range("key not found");
    return it->second;
  }
  template <class K>
  const T& at(const K& key) const {
    const auto it = find(key);
    if (it == this->end()) throw std::out_of_range("key not found");
    return it->second;
  }

  using Container::erase;
  template <class K>
  requires(!std::is_convertible_v<const K&, const_iterator> &&
           !std::is_convertible_v<const K&, iterator>) size_type erase(const K& key) {
    const auto it = find(key);
    if (it == this->end()) return 0;
    Container::erase(it);
    return 1;
  }

 private:
  template <class K>
  iterator lower_bound(const K& key) {
    return std::lower_bound(this->begin(), this->end(), key,
                            [](const value_type& entry, const K& wanted) {
                              return key_compare{}(entry.first, wanted);
                            });
  }
  template <class K>
  const_iterator lower_bound(const K& key) const {
    return std::lower_bound(this->begin(), this->end(), key,
                            [](const value_type& entry, const K& wanted) {
                              return key_compare{}(entry.first, wanted);
                            });
  }
};

}  // namespace sluice
