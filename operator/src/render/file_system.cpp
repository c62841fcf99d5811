#include "render/file_system.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <system_error>

#include "core/error.h"

namespace sluice::render {
namespace fs = std::filesystem;

namespace {

Error permission_denied(std::string message) {
  return {ErrorCode::kPermissionDenied, std::move(message)};
}

}  // namespace

FileSystem::FileSystem(const fs::path& root) {
  std::error_code ec;
  root_ = fs::canonical(fs::absolute(root, ec), ec);
  if (ec) throw not_found(root.string() + ": no such directory");
  if (!fs::is_directory(root_, ec)) throw invalid_argument(root.string() + ": not a directory");
}

bool FileSystem::is_within(const fs::path& path, const fs::path& dir) {
  // Component-wise, so that /a/bc is not taken to be inside /a/b.
  auto [dir_end, path_it] = std::mismatch(dir.begin(), dir.end(), path.begin(), path.end());
  if (dir_end == dir.end()) return true;
  // A trailing empty component ("/a/b/") still counts as a match.
  return std::next(dir_end) == dir.end() && dir_end->empty();
}

std::string FileSystem::display(const fs::path& path) const {
  if (!is_within(path, root_)) return path.string();
  fs::path relative = path.lexically_relative(root_);
  return relative.empty() ? std::string(".") : relative.string();
}

fs::path FileSystem::confirm(const fs::path& path) const {
  const fs::path lexical = path.lexically_normal();
  if (!is_within(lexical, root_)) {
    throw permission_denied("security: '" + display(lexical) + "' is outside the root '" +
                            root_.string() + "'");
  }
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(lexical, ec)) && !fs::exists(lexical, ec)) {
    throw not_found(display(lexical) + ": no such file or directory");
  }
  fs::path real = fs::canonical(lexical, ec);
  if (ec) {
    // A dangling symlink, or a symlink loop.
    throw not_found(display(lexical) + ": cannot resolve: " + ec.message());
  }
  if (!is_within(real, root_)) {
    throw permission_denied("security: '" + display(lexical) + "' resolves to '" + real.string() +
                            "', outside the root '" + root_.string() + "'");
  }
  return real;
}

fs::path FileSystem::resolve(const fs::path& base, std::string_view relative) const {
  const fs::path rel(relative);
  if (rel.is_absolute()) {
    throw invalid_argument("'" + std::string(relative) +
                           "': absolute paths are not allowed; use a path relative to the "
                           "kustomization");
  }
  return confirm(base / rel);
}

bool FileSystem::is_directory(const fs::path& path) const {
  std::error_code ec;
  return fs::is_directory(path, ec);
}

bool FileSystem::is_regular_file(const fs::path& path) const {
  std::error_code ec;
  return fs::is_regular_file(path, ec);
}

std::string FileSystem::read_file(const fs::path& path) const {
  const fs::path real = confirm(path);
  std::error_code ec;
  if (!fs::is_regular_file(real, ec)) throw invalid_argument(display(path) + ": not a file");
  const auto size = fs::file_size(real, ec);
  if (ec) throw not_found(display(path) + ": " + ec.message());
  if (size > kMaxFileBytes) {
    throw resource_exhausted(display(path) + ": file is " + std::to_string(size) +
                             " bytes, over the limit of " + std::to_string(kMaxFileBytes));
  }
  std::ifstream in(real, std::ios::binary);
  if (!in) throw not_found(display(path) + ": cannot open file");
  std::string text;
  text.resize(static_cast<std::size_t>(size));
  in.read(text.data(), static_cast<std::streamsize>(size));
  // The file may have changed between stat and read; never trust more than we measured.
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (in.bad()) throw Error(ErrorCode::kUnavailable, display(path) + ": read failed");
  return text;
}

std::vector<fs::path> FileSystem::list_directory(const fs::path& path) const {
  std::vector<fs::path> entries;
  std::error_code ec;
  for (fs::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
    entries.push_back(it->path());
  }
  if (ec) throw not_found(display(path) + ": cannot list directory: " + ec.message());
  std::sort(entries.begin(), entries.end());
  return entries;
}

void FileSystem::require_within(const fs::path& path, const fs::path& dir) const {
  if (is_within(path, dir)) return;
  throw permission_denied("security: file '" + display(path) + "' is not in or below '" +
                          display(dir) + "'");
}

std::string FileSystem::read_named_file(const fs::path& dir, std::string_view entry) const {
  if (looks_remote(entry)) {
    throw unimplemented("remote file '" + std::string(entry) +
                        "' is not supported; sluice renders only what is in the repository");
  }
  const fs::path path = resolve(dir, entry);
  require_within(path, dir);
  if (!is_regular_file(path)) {
    throw invalid_argument("'" + display(path) + "' must resolve to a file");
  }
  return read_file(path);
}

fs::path work_tree_root(const fs::path& dir) {
  std::error_code ec;
  const fs::path start = fs::canonical(dir, ec);
  if (ec) return dir;
  // A file DIR needs no special case: nothing is below a file, so the walk starts at its folder.
  for (fs::path folder = start;; folder = folder.parent_path()) {
    if (fs::exists(fs::symlink_status(folder / ".git", ec))) return folder;
    if (folder == folder.parent_path()) return dir;
  }
}

bool looks_remote(std::string_view entry) {
  return entry.find("://") != std::string_view::npos || entry.starts_with("git@") ||
         entry.starts_with("github.com/") || entry.starts_with("gitlab.com/") ||
         entry.starts_with("bitbucket.org/");
}

}  // namespace sluice::render
