#pragma once

// A cache of bare repositories, one per source URL and credentials, under one directory. `fetch`
// brings the cached repository up to date for one ref and resolves it to a commit:
//  * branch/tag/semver: connects once and lists the remote's refs (ls-remote); when the remote ref
//  still
//    points at the commit the cache already holds, nothing is downloaded. Otherwise only that
//    ref is fetched, incrementally (the server is told what the cache has). A semver range picks
//    the highest matching tag from that listing.
//  * commit: no network at all when the cache holds the commit; otherwise all branches and
//    tags are fetched and the commit looked up.
//  * commit on a branch: the branch is brought up to date as for a branch ref (one listing,
//    a download only when it moved), then the commit must be its tip or one of its ancestors
//    (kNotFound otherwise).
// Transports: http(s) (basic auth, bearer token; the server's certificate is checked against
// the system's trust store, or only against `ca.crt` when the credentials have one), ssh (key
// from `identity`, host key checked against `known_hosts`, never trusted on first use), git://,
// file://.
//
// Synchronous and blocking: call it on a runtime::BlockingPool thread, never on a fiber thread
// (git/pull.h has the fiber-facing wrapper). Fetches of the same URL are serialised; different
// URLs may be fetched in parallel from several threads.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "core/duration.h"
#include "git/credentials.h"
#include "git/ref.h"

namespace sluice::git {

struct FetchOptions {
  Credentials credentials;
  // Bound on the whole operation (kDeadlineExceeded, "timed out after 60s fetching <url>"):
  // checked in every libgit2 callback, and a call blocked on a silent or stalled server is
  // interrupted by the deadline watchdog (git/deadline.h).
  Duration timeout = std::chrono::seconds(60);
  // Refuse a repository larger than this (kResourceExhausted): the bytes received by one fetch
  // (checked as they arrive) and, in git::pull, the total size of the snapshot's files.
  std::uint64_t max_repository_bytes = std::uint64_t{1} << 30U;  // 1 GiB
};

struct FetchResult {
  std::string commit;                // 40-hex sha1 the ref resolves to (tags peeled)
  Ref resolved;                      // the ref itself, or for a semver range the tag it resolved to
  bool downloaded = false;           // false: the cache was already up to date
  std::filesystem::path repository;  // the cached bare repository
};

class RepositoryCache {
 public:
  explicit RepositoryCache(std::filesystem::path root);

  // Throws Error: kInvalidArgument (bad URL or ref), kNotFound (no such ref or commit),
  // kUnauthenticated (credentials refused), kVerificationFailed (ssh host key unknown or
  // mismatched), kDeadlineExceeded, kResourceExhausted, kUnavailable (network, server).
  // A failed fetch leaves the cache as it was.
  FetchResult fetch(const std::string& url, const Ref& ref, const FetchOptions& options);

  // The bare repository used for `url` fetched with `credentials` (it may not exist yet). The
  // credentials are part of the key: a commit the cache holds is served without contacting the
  // remote, so sources that share a URL share a repository only when they present the same
  // credentials; another tenant naming the same private URL without them must not be handed
  // commits fetched with someone else's (docs/security.md, finding "shared git cache").
  std::filesystem::path repository_path(const std::string& url,
                                        const Credentials& credentials = {}) const;

  // How many downloads (git fetches) and ref listings (ls-remote) this cache made; for tests
  // and metrics.
  std::uint64_t download_count() const noexcept { return downloads_.load(); }
  std::uint64_t list_count() const noexcept { return lists_.load(); }

 private:
  std::mutex& lock_for(const std::filesystem::path& repository);

  std::filesystem::path root_;
  std::mutex locks_mu_;
  std::map<std::filesystem::path, std::unique_ptr<std::mutex>> locks_;
  std::atomic<std::uint64_t> downloads_{0};
  std::atomic<std::uint64_t> lists_{0};
};

}  // namespace sluice::git
