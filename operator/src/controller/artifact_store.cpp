#include "controller/artifact_store.h"

#include <system_error>

#include "core/error.h"

namespace sluice::controller {

namespace fs = std::filesystem;

void make_read_only(const fs::path& dir) {
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (it->is_symlink(ec)) continue;  // a link's own mode means nothing on Linux
    const fs::perms perms = it->is_directory(ec) ? fs::perms(0555) : fs::perms(0444);
    fs::permissions(it->path(), perms, fs::perm_options::replace, ec);
  }
  fs::permissions(dir, fs::perms(0555), fs::perm_options::replace, ec);
}

void remove_tree(const fs::path& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return;
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::add, ec);
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (it->is_directory(ec) && !it->is_symlink(ec)) {
      fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
    }
  }
  fs::remove_all(dir, ec);
}

ArtifactStore::ArtifactStore(fs::path root) : root_(std::move(root)) {
  std::error_code ec;
  remove_tree(root_ / "artifacts");
  fs::create_directories(root_ / "artifacts", ec);
  if (!ec) fs::create_directories(root_ / "repositories", ec);
  if (ec) {
    throw Error(ErrorCode::kUnavailable,
                "storage directory " + root_.string() + ": " + ec.message());
  }
}

fs::path ArtifactStore::snapshot_dir(const std::string& source_key, const std::string& commit) {
  std::lock_guard lock(mu_);
  // source_key is "namespace/name": both DNS names, so safe as two path segments.
  return root_ / "artifacts" / source_key / (commit + "-" + std::to_string(++sequence_));
}

void ArtifactStore::publish(ArtifactPtr artifact) {
  make_read_only(artifact->dir);
  std::lock_guard lock(mu_);
  ArtifactPtr& slot = current_[artifact->source_key];
  if (slot && slot->dir != artifact->dir) retired_.push_back({slot, slot->dir});
  slot = std::move(artifact);
}

ArtifactPtr ArtifactStore::current(const std::string& source_key) const {
  std::lock_guard lock(mu_);
  const auto it = current_.find(source_key);
  return it == current_.end() ? nullptr : it->second;
}

void ArtifactStore::remove(const std::string& source_key) {
  std::lock_guard lock(mu_);
  const auto it = current_.find(source_key);
  if (it == current_.end()) return;
  retired_.push_back({it->second, it->second->dir});
  current_.erase(it);
}

void ArtifactStore::collect_garbage() {
  std::vector<fs::path> unused;
  {
    std::lock_guard lock(mu_);
    std::erase_if(retired_, [&](const Retired& retired) {
      if (!retired.artifact.expired()) return false;
      unused.push_back(retired.dir);
      return true;
    });
  }
  for (const fs::path& dir : unused) remove_tree(dir);
}

std::size_t ArtifactStore::size() const {
  std::lock_guard lock(mu_);
  return current_.size();
}

}  // namespace sluice::controller
