#include "git/pull.h"

#include <algorithm>

namespace sluice::git {

PullResult pull(RepositoryCache& cache, const PullRequest& request) {
  const FetchResult fetched = cache.fetch(request.url, request.ref, request.fetch);
  SnapshotOptions snapshot_options = request.snapshot;
  snapshot_options.max_total_bytes =
      std::min(snapshot_options.max_total_bytes, request.fetch.max_repository_bytes);
  const Snapshot snapshot =
      write_snapshot(fetched.repository, fetched.commit, request.out, snapshot_options);
  PullResult result;
  result.commit = fetched.commit;
  result.revision = format_revision(fetched.resolved, fetched.commit);
  result.digest = snapshot.digest;
  result.downloaded = fetched.downloaded;
  result.commit_signature = commit_signature(fetched.repository, fetched.commit);
  if (fetched.resolved.kind == RefKind::kTag) {
    result.tag_signature = tag_signature(fetched.repository, fetched.resolved.name);
  }
  return result;
}

PullResult pull(runtime::BlockingPool& pool, RepositoryCache& cache, const PullRequest& request) {
  return pool.run([&cache, &request] { return pull(cache, request); });
}

}  // namespace sluice::git
