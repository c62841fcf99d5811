#pragma once

// The snapshots GitSources fetch, on --storage-dir, shared by every Application that renders
// from them: an Application reconcile reads the files in place, never copies or unpacks the
// repository again (Flux's kustomize-controller re-extracts a tarball per Kustomization).
//
//   <root>/repositories/   the bare repository cache (git/repository_cache.h), kept across runs
//   <root>/artifacts/<namespace>/<name>/<commit>-<n>/   one read-only tree per fetched revision
//
// One artifact per source is current. An Application holds an ArtifactPtr while it renders, so
// a new revision arriving meanwhile never pulls the files from under it: a replaced artifact's
// folder is removed by collect_garbage() once nobody holds it. Artifacts live in memory; on
// start the artifacts folder is emptied and every GitSource fetches again (the repository
// cache makes that a ref listing and a checkout, not a download).

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "git/signature.h"

namespace sluice::controller {

struct Artifact {
  std::string source_key;  // "namespace/name" of the GitSource
  std::string revision;    // "main@sha1:<sha>"
  std::string commit;
  std::string digest;   // "sha256:<hex>" of the tree
  std::string variant;  // the ignore rules it was written with (their hash)
  std::filesystem::path dir;
  // The signatures for the policy gate: the commit's, and an annotated tag's.
  std::optional<git::SignedObject> commit_signature;
  std::optional<git::SignedObject> tag_signature;
};
using ArtifactPtr = std::shared_ptr<const Artifact>;

class ArtifactStore {
 public:
  // Creates the folders; empties <root>/artifacts (see above). Throws Error(kUnavailable) when
  // the storage directory is not writable.
  explicit ArtifactStore(std::filesystem::path root);

  std::filesystem::path repositories() const { return root_ / "repositories"; }
  // A new folder name for a snapshot of `commit` (never one in use: each call numbers anew).
  std::filesystem::path snapshot_dir(const std::string& source_key, const std::string& commit);

  // Makes `artifact` the source's current one (its folder must be written, and is made
  // read-only here). The one it replaces is retired and collected once unused.
  void publish(ArtifactPtr artifact);
  // The source's current artifact, or nullptr.
  ArtifactPtr current(const std::string& source_key) const;
  // The GitSource is gone: retire its artifact.
  void remove(const std::string& source_key);

  // Deletes the folders of retired artifacts nobody holds any more. Blocking file I/O.
  void collect_garbage();

  std::size_t size() const;

 private:
  std::filesystem::path root_;
  mutable std::mutex mu_;
  std::map<std::string, ArtifactPtr> current_;
  struct Retired {
    std::weak_ptr<const Artifact> artifact;
    std::filesystem::path dir;
  };
  std::vector<Retired> retired_;
  std::uint64_t sequence_ = 0;
};

// Removes write permission from everything below `dir` (files 0444, folders 0555), so a
// renderer bug cannot change a snapshot that other Applications read.
void make_read_only(const std::filesystem::path& dir);
// Restores owner write permission below `dir`, then removes it.
void remove_tree(const std::filesystem::path& dir);

}  // namespace sluice::controller
