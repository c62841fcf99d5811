#include "git/snapshot.h"

#include <cerrno>
#include <optional>
#include <random>
#include <system_error>
#include <vector>

#include <fcntl.h>
#include <stdio.h>  // renameat2
#include <unistd.h>

#include "git/digest.h"
#include "git/ignore.h"
#include "git/libgit2.h"

namespace sluice::git {
namespace {

namespace fs = std::filesystem;
using detail::check;

constexpr std::size_t kMaxIgnoreFileBytes = std::size_t{1} << 20U;

using OdbPtr = UniqueCPtr<git_odb, git_odb_free>;

// The size of blob `id` from its object header, without inflating it; throws
// kResourceExhausted, naming `path`, when it is over `limit`.
std::uint64_t blob_size(git_odb* odb, const git_oid& id, const std::string& path,
                        std::uint64_t limit) {
  std::size_t size = 0;
  git_object_t type = GIT_OBJECT_INVALID;
  check(git_odb_read_header(&size, &type, odb, &id), "reading " + path);
  if (size > limit) {
    throw resource_exhausted(path + " is " + std::to_string(size) + " bytes, over the limit of " +
                             std::to_string(limit));
  }
  return size;
}

struct WalkState {
  git_repository* repo = nullptr;
  OdbPtr odb;
  const SnapshotOptions* options = nullptr;
  IgnoreRules ignore;
  fs::path dir;
  TreeDigest digest;
  std::size_t entries = 0;
  std::uint64_t total_bytes = 0;
  std::optional<Error> error;
};

// A symlink at `path` (relative, '/'-separated) with `target` must stay inside the tree.
bool symlink_stays_inside(const std::string& path, const std::string& target) {
  if (target.empty() || target.front() == '/') return false;
  const fs::path resolved = (fs::path(path).parent_path() / target).lexically_normal();
  if (resolved.empty()) return true;
  const auto first = *resolved.begin();
  return first != ".." && !resolved.is_absolute();
}

// Plain POSIX I/O rather than a stream: a failed write must say why (ENOSPC on a full
// --storage-dir is the usual cause, and the GitSource's condition should name it).
void write_file(const fs::path& file, const char* data, std::size_t size) {
  const auto fail = [&file](int error) {
    throw Error(ErrorCode::kUnavailable,
                "cannot write " + file.string() + ": " + std::system_category().message(error));
  };
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail(errno);
  while (size > 0) {
    const ssize_t written = ::write(fd, data, size);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) {
      const int error = written < 0 ? errno : ENOSPC;
      ::close(fd);
      fail(error);
    }
    data += written;
    size -= static_cast<std::size_t>(written);
  }
  if (::close(fd) != 0) fail(errno);
}

void write_entry(WalkState& state, const std::string& path, const git_tree_entry* entry) {
  for (const auto& part : fs::path(path)) {
    if (part == ".." || part == "." || part == ".git") {
      throw invalid_argument("unsafe path \"" + path + "\" in the tree");
    }
  }
  if (state.entries >= state.options->max_entries) {
    throw resource_exhausted("the snapshot has more than " +
                             std::to_string(state.options->max_entries) + " files (at " + path +
                             "); exclude paths with spec.ignore or .sluiceignore");
  }
  const git_filemode_t mode = git_tree_entry_filemode(entry);
  // The size from the object's header before the blob is read: git_blob_lookup inflates the
  // whole object, and a 1 GiB blob of zeros is 1 MiB in a pack.
  const std::uint64_t size =
      blob_size(state.odb.get(), *git_tree_entry_id(entry), path, state.options->max_file_bytes);
  git_blob* raw = nullptr;
  check(git_blob_lookup(&raw, state.repo, git_tree_entry_id(entry)), "reading " + path);
  const detail::BlobPtr blob(raw);
  state.total_bytes += size;
  if (state.total_bytes > state.options->max_total_bytes) {
    throw resource_exhausted("the snapshot is over the limit of " +
                             std::to_string(state.options->max_total_bytes) + " bytes (at " + path +
                             ")");
  }
  const char* data = static_cast<const char*>(git_blob_rawcontent(blob.get()));
  const std::string_view bytes(data, size);
  const fs::path target = state.dir / path;
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  if (ec) {
    throw Error(ErrorCode::kUnavailable,
                "cannot create " + target.parent_path().string() + ": " + ec.message());
  }
  if (mode == GIT_FILEMODE_LINK) {
    const std::string link(bytes);
    if (link.find('\0') != std::string::npos || !symlink_stays_inside(path, link)) {
      throw invalid_argument("symlink " + path + " points outside the repository (" + link + ")");
    }
    fs::create_symlink(link, target, ec);
    if (ec)
      throw Error(ErrorCode::kUnavailable, "cannot create symlink " + path + ": " + ec.message());
    state.digest.add(path, kModeSymlink, bytes);
  } else {
    write_file(target, data, size);
    const bool executable = mode == GIT_FILEMODE_BLOB_EXECUTABLE;
    if (executable) {
      fs::permissions(target,
                      fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                      fs::perm_options::add, ec);
    }
    state.digest.add(path, executable ? kModeExecutable : kModeFile, bytes);
  }
  ++state.entries;
}

int walk_cb(const char* root, const git_tree_entry* entry, void* payload) {
  auto& state = *static_cast<WalkState*>(payload);
  const git_object_t type = git_tree_entry_type(entry);
  if (type == GIT_OBJECT_TREE) {
    // A positive return skips the directory: nothing under an ignored directory is written.
    return state.ignore.matches(std::string(root) + git_tree_entry_name(entry), true) ? 1 : 0;
  }
  if (type != GIT_OBJECT_BLOB) return 0;  // gitlinks skipped
  try {
    std::string path = std::string(root) + git_tree_entry_name(entry);
    if (state.ignore.matches(path, false)) return 0;
    write_entry(state, path, entry);
  } catch (...) {
    state.error = Error::from_current_exception();
    return GIT_EUSER;
  }
  return 0;
}

// The `.sluiceignore` file at the root of `tree`, or "" when there is none.
std::string read_ignore_file(git_repository* repo, git_odb* odb, const git_tree* tree) {
  const git_tree_entry* entry = git_tree_entry_byname(tree, ".sluiceignore");
  if (entry == nullptr || git_tree_entry_type(entry) != GIT_OBJECT_BLOB ||
      git_tree_entry_filemode(entry) == GIT_FILEMODE_LINK) {
    return {};
  }
  const auto size = static_cast<std::size_t>(
      blob_size(odb, *git_tree_entry_id(entry), ".sluiceignore", kMaxIgnoreFileBytes));
  git_blob* raw = nullptr;
  check(git_blob_lookup(&raw, repo, git_tree_entry_id(entry)), "reading .sluiceignore");
  const detail::BlobPtr blob(raw);
  return {static_cast<const char*>(git_blob_rawcontent(blob.get())), size};
}

std::string random_suffix() {
  std::random_device random;
  return std::to_string(random());
}

}  // namespace

Snapshot write_snapshot(const fs::path& repository, std::string_view commit, const fs::path& out,
                        const SnapshotOptions& options) {
  detail::ensure_libgit2();
  git_repository* repo_raw = nullptr;
  check(git_repository_open_bare(&repo_raw, repository.c_str()), "opening the cached repository");
  const detail::RepositoryPtr repo(repo_raw);
  const git_oid oid = detail::parse_oid(commit);
  git_commit* commit_raw = nullptr;
  check(git_commit_lookup(&commit_raw, repo.get(), &oid),
        "looking up commit " + std::string(commit));
  const detail::CommitPtr commit_object(commit_raw);
  git_tree* tree_raw = nullptr;
  check(git_commit_tree(&tree_raw, commit_object.get()),
        "reading the tree of " + std::string(commit));
  const detail::TreePtr tree(tree_raw);

  const fs::path parent = out.parent_path().empty() ? fs::path(".") : out.parent_path();
  std::error_code ec;
  fs::create_directories(parent, ec);
  const fs::path temp = parent / ("." + out.filename().string() + ".tmp-" + random_suffix());
  fs::create_directory(temp, ec);
  if (ec)
    throw Error(ErrorCode::kUnavailable, "cannot create " + temp.string() + ": " + ec.message());

  WalkState state;
  state.repo = repo.get();
  git_odb* odb_raw = nullptr;
  check(git_repository_odb(&odb_raw, repo.get()), "opening the object database");
  state.odb.reset(odb_raw);
  state.options = &options;
  state.dir = temp;
  try {
    state.ignore.add(read_ignore_file(repo.get(), state.odb.get(), tree.get()));
    for (const std::string& pattern : options.ignore) state.ignore.add(pattern);
    const int rc = git_tree_walk(tree.get(), GIT_TREEWALK_PRE, walk_cb, &state);
    if (state.error) throw *state.error;
    check(rc, "walking the tree of " + std::string(commit));
    Snapshot snapshot{state.digest.finish(), state.entries};
    // Swap the new tree in atomically; the old one (if any) ends up at `temp` and is removed.
    if (fs::exists(fs::symlink_status(out))) {
      if (renameat2(AT_FDCWD, temp.c_str(), AT_FDCWD, out.c_str(), RENAME_EXCHANGE) != 0) {
        throw Error(ErrorCode::kUnavailable, "cannot replace " + out.string() + ": " +
                                                 std::system_category().message(errno));
      }
    } else {
      fs::rename(temp, out, ec);
      if (ec)
        throw Error(ErrorCode::kUnavailable, "cannot create " + out.string() + ": " + ec.message());
    }
    fs::remove_all(temp, ec);
    return snapshot;
  } catch (...) {
    fs::remove_all(temp, ec);
    throw;
  }
}

}  // namespace sluice::git
