#pragma once

// Writes the tree of one commit into a plain folder (no .git) and computes its content digest
// (git/digest.h). The folder is replaced atomically: the tree is written to a temporary sibling
// and swapped in with one rename, so readers see the old or the new tree, never a mix, and a
// failure leaves the previous snapshot as it was.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::git {

struct SnapshotOptions {
  std::uint64_t max_file_bytes = std::uint64_t{8} << 20U;  // 8 MiB
  // Bound on the bytes of all files and symlinks written (git::pull lowers it to the fetch's
  // max_repository_bytes).
  std::uint64_t max_total_bytes = std::uint64_t{1} << 30U;  // 1 GiB
  // Bound on the files and symlinks written (ignored paths do not count). Bytes alone do not
  // bound a snapshot: empty or tiny blobs cost a pack almost nothing (one object however many
  // paths name it) but each written file an inode and a disk block. 262,144 = 1 GiB / 4 KiB,
  // so a tree of tiny files takes no more disk than max_total_bytes; and it is 2.5 times the
  // files of a Linux kernel checkout, so real repositories, monorepos included, fit.
  std::size_t max_entries = std::size_t{1} << 18U;
  // Ignore rules in gitignore syntax (git/ignore.h), each element one pattern or several lines.
  // They follow the rules of a `.sluiceignore` file at the root of the tree, so they win over it.
  std::vector<std::string> ignore;
};

struct Snapshot {
  std::string digest;       // "sha256:<hex>"
  std::size_t entries = 0;  // files and symlinks written
};

// Blocking (libgit2 and file I/O): call on a runtime::BlockingPool thread.
// Throws Error: kNotFound (no such commit in `repository`), kResourceExhausted (a file, all of
// them, or their number over the limit: sizes are read from the object headers before any blob
// is inflated), kInvalidArgument (a symlink pointing outside the tree, or an unsafe path),
// kUnavailable (I/O). Submodules (gitlinks) are skipped, and so are the paths the ignore rules
// (`.sluiceignore`, then options.ignore) exclude; the digest covers only what is written.
Snapshot write_snapshot(const std::filesystem::path& repository, std::string_view commit,
                        const std::filesystem::path& out, const SnapshotOptions& options = {});

}  // namespace sluice::git
