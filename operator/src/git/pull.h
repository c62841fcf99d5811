#pragma once

// One poll of a source: fetch (git/repository_cache.h) then snapshot (git/snapshot.h).
// `pull(cache, request)` blocks; `pull(pool, cache, request)` is the fiber-facing form, which
// runs the blocking one on the BlockingPool and suspends only the calling fiber.

#include <filesystem>
#include <optional>
#include <string>

#include "git/ref.h"
#include "git/repository_cache.h"
#include "git/signature.h"
#include "git/snapshot.h"
#include "runtime/blocking_pool.h"

namespace sluice::git {

struct PullRequest {
  std::string url;
  Ref ref;
  FetchOptions fetch;
  std::filesystem::path out;  // snapshot folder, replaced atomically
  SnapshotOptions snapshot;
};

struct PullResult {
  std::string commit;    // 40-hex sha1
  std::string revision;  // "main@sha1:<sha>", "v1.0@sha1:<sha>" or "sha1:<sha>"
  std::string digest;    // "sha256:<hex>"
  bool downloaded = false;
  // For the verifier: the resolved commit's signature, and for a tag ref (or a semver range)
  // the annotated tag's; nullopt when unsigned (or a lightweight tag).
  std::optional<SignedObject> commit_signature;
  std::optional<SignedObject> tag_signature;
};

// Blocking: on a plain thread or a BlockingPool thread only.
PullResult pull(RepositoryCache& cache, const PullRequest& request);

// From a fiber: runs pull(cache, request) on `pool`.
PullResult pull(runtime::BlockingPool& pool, RepositoryCache& cache, const PullRequest& request);

}  // namespace sluice::git
