#pragma once
// Read-only access to the files of one repository checkout, for the renderer.
//
// Everything a kustomization names is untrusted (it comes from Git), so every path goes through
// this guard: absolute paths are refused, `..` may move around inside the root but never above
// it, symlinks are followed only when their target stays inside the root, and files over
// kMaxFileBytes are refused before they are read. Every error names the offending path as the
// user wrote it (relative to the root), so a one-line CLI message is enough to act on.
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::render {

inline constexpr std::size_t kMaxFileBytes = std::size_t{8} << 20;

class FileSystem {
 public:
  // `root` must be an existing directory; it is canonicalized (symlinks resolved) once here so
  // later containment checks compare real paths. Throws Error(kNotFound / kInvalidArgument).
  explicit FileSystem(const std::filesystem::path& root);

  const std::filesystem::path& root() const noexcept { return root_; }

  // Resolves `relative` against `base` (a canonical directory inside the root) and returns the
  // canonical path of what it names. Throws kInvalidArgument for an absolute path,
  // kPermissionDenied when the path (lexically or through a symlink) leaves the root, and
  // kNotFound when nothing exists there.
  std::filesystem::path resolve(const std::filesystem::path& base, std::string_view relative) const;

  // Confirms that `path` (absolute) is inside the root once symlinks are resolved and returns
  // its canonical form; the same errors as resolve().
  std::filesystem::path confirm(const std::filesystem::path& path) const;

  bool is_directory(const std::filesystem::path& path) const;
  bool is_regular_file(const std::filesystem::path& path) const;

  // The whole file. Throws kResourceExhausted over kMaxFileBytes, kNotFound / kUnavailable when
  // it cannot be read.
  std::string read_file(const std::filesystem::path& path) const;

  // The entries of a directory, sorted by name (so renders never depend on readdir order).
  std::vector<std::filesystem::path> list_directory(const std::filesystem::path& path) const;

  // `path` relative to the root, for messages ("apps/web/deploy.yaml"; "." for the root).
  std::string display(const std::filesystem::path& path) const;

  // Whether `path` (canonical) is `dir` (canonical) or below it.
  static bool is_within(const std::filesystem::path& path, const std::filesystem::path& dir);

  // kustomize's default load restriction: a kustomization may read files only in or below its
  // own directory `dir` (folders of other kustomizations may be anywhere under the root).
  // Throws kPermissionDenied otherwise.
  void require_within(const std::filesystem::path& path, const std::filesystem::path& dir) const;

  // A file a kustomization in `dir` names by `entry` (a patch, a generator source, a crds or
  // replacements file): resolved, held to the load restriction and read. URLs are refused with
  // kUnimplemented (sluice renders only what is in the repository), anything but a regular file
  // with kInvalidArgument.
  std::string read_named_file(const std::filesystem::path& dir, std::string_view entry) const;

 private:
  std::filesystem::path root_;
};

// The root `sluice build DIR` confines reads to when no --root is given: the top of the Git work
// tree holding `dir`, so that an overlay may name `../../base` (Flux confines a build to its
// repository; kubectl kustomize confines nothing). That is the nearest folder, from `dir`'s
// canonical path upwards, with a `.git` entry: a directory, or the file a linked worktree or a
// submodule has. Git itself is not run: rendering only reads files. Outside any
// work tree, and when `dir` does not exist, `dir` itself (the root before work trees counted),
// so FileSystem reports a missing or wrong DIR as it always did.
std::filesystem::path work_tree_root(const std::filesystem::path& dir);

// Whether a kustomization entry names something remote (a URL or a hosted repository), which
// sluice refuses: it renders only what the repository holds.
bool looks_remote(std::string_view entry);

}  // namespace sluice::render
