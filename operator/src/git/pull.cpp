#include "git/pull.h"

namespace sluice::git {

PullResult pull(RepositoryCache& cache, const PullRequest& request) {
  const FetchResult fetched = cache.fetch(request.url, request.ref, request.fetch);
  const Snapshot snapshot =
      write_snapshot(fetched.repository, fetched.commit, request.out, request.snapshot);
  return PullResult{fetched.commit, format_revision(fetched.resolved, fetched.commit),
                    snapshot.digest, fetched.downloaded};
}

PullResult pull(runtime::BlockingPool& pool, RepositoryCache& cache, const PullRequest& request) {
  return pool.run([&cache, &request] { return pull(cache, request); });
}

}  // namespace sluice::git
