#pragma once

// Content digest of a snapshot: "sha256:<hex>" over the files of a tree sorted by path, each
// contributing its path, its git file mode and its bytes (a symlink's bytes are its target).
// The same tree gives the same digest whatever transport fetched it. Pure logic.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::git {

// Git file modes of the entries a snapshot holds.
inline constexpr std::uint32_t kModeFile = 0100644;
inline constexpr std::uint32_t kModeExecutable = 0100755;
inline constexpr std::uint32_t kModeSymlink = 0120000;

class TreeDigest {
 public:
  // Adds one entry; `path` is relative with '/' separators. Order of calls does not matter.
  void add(std::string path, std::uint32_t mode, std::string_view bytes);

  // "sha256:<64 hex>" of, per entry in byte order of path: the path, NUL, the mode in octal,
  // NUL, the size in decimal, NUL, the 32-byte sha256 of the bytes (hashing each file's bytes
  // on add keeps memory flat). Throws Error(kInvalidArgument) for a path given twice.
  std::string finish() const;

 private:
  struct Entry {
    std::string path;
    std::uint32_t mode;
    std::string sha256;  // of the bytes (raw 32 bytes), so entries stay small
    std::uint64_t size;
  };
  std::vector<Entry> entries_;
};

}  // namespace sluice::git
