// The git poller against servers that misbehave: silent (accept, never answer) for every network
// transport, a repository over the size limit, and a server that dies in the middle of a pack.
#include <algorithm>
#include <chrono>
#include <fstream>
#include <random>
#include <sstream>

#include <gtest/gtest.h>

#include "cli/pull_command.h"
#include "git/digest.h"
#include "git_test_fixture.h"
#include "loopback_servers.h"

namespace sluice::testing {
namespace {

using Clock = std::chrono::steady_clock;

class GitFaultTest : public GitPollerTest {
 protected:
  // Pulls `url` from a server that never answers with a 2 s timeout; checks the error and that
  // it came in time (a generous upper bound: this is about correctness, not speed).
  void expect_timeout(const std::string& url, git::Credentials credentials = {}) {
    git::PullRequest request = pull_request(url, Ref::branch("main"), std::move(credentials));
    request.fetch.timeout = std::chrono::seconds(2);
    const auto start = Clock::now();
    const Error error = request_error(request);
    const auto elapsed = Clock::now() - start;
    EXPECT_EQ(error.code(), ErrorCode::kDeadlineExceeded) << error.message();
    EXPECT_NE(error.message().find("timed out after 2s fetching " + url), std::string::npos)
        << error.message();
    EXPECT_GE(elapsed, std::chrono::milliseconds(1900));
    EXPECT_LT(elapsed, std::chrono::seconds(7)) << url;
    EXPECT_FALSE(fs::exists(out()));
  }

  // `size` bytes that do not compress.
  static std::string random_bytes(std::size_t size, unsigned seed) {
    std::mt19937 random(seed);
    std::string bytes(size, '\0');
    for (char& c : bytes) c = static_cast<char>(random() & 0xFFU);
    return bytes;
  }

  // The content digest of a snapshot directory as it is on disk (regular files only).
  static std::string digest_of_dir(const fs::path& dir) {
    git::TreeDigest digest;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
      if (!entry.is_regular_file()) continue;
      digest.add(fs::relative(entry.path(), dir).generic_string(), git::kModeFile,
                 read_text_file(entry.path()));
    }
    return digest.finish();
  }
};

TEST_F(GitFaultTest, SilentHttpServerTimesOut) {
  const SilentServer server;
  expect_timeout("http://127.0.0.1:" + std::to_string(server.port()) + "/x.git",
                 http_credentials());
}

TEST_F(GitFaultTest, SilentHttpsServerTimesOut) {
  const SilentServer server;
  git::Credentials credentials = http_credentials();
  credentials.ca_cert = read_text_file(env().var("GIT_CA_FILE"));
  expect_timeout("https://127.0.0.1:" + std::to_string(server.port()) + "/x.git", credentials);
}

TEST_F(GitFaultTest, SilentGitDaemonTimesOut) {
  const SilentServer server;
  expect_timeout("git://127.0.0.1:" + std::to_string(server.port()) + "/x.git");
}

TEST_F(GitFaultTest, SilentSshServerTimesOut) {
  const SilentServer server;
  expect_timeout("ssh://git@127.0.0.1:" + std::to_string(server.port()) + "/x.git",
                 ssh_credentials());
}

TEST_F(GitFaultTest, TheWatchdogLeavesTheThreadAsItWas) {
  const SilentServer server;
  expect_timeout("git://127.0.0.1:" + std::to_string(server.port()) + "/x.git");
  // Work after the timeout is not interrupted: a real fetch on the same thread succeeds.
  const std::string sha = repo().commit({{"a", "1"}}, "first");
  EXPECT_EQ(pull(repo().daemon_url(), Ref::branch("main")).commit, sha);
}

TEST_F(GitFaultTest, PullCommandTimeoutOnASilentServer) {
  const SilentServer server;
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port()) + "/x.git";
  const std::vector<std::string> args{url,         "--branch", "main", "--out", out().string(),
                                      "--timeout", "2s"};
  std::ostringstream out_stream;
  std::ostringstream err_stream;
  const auto start = Clock::now();
  const int code = cli::run_pull(cli::CommandContext{args, out_stream, err_stream, {}});
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(7));
  EXPECT_EQ(code, cli::kExitFailure);
  EXPECT_EQ(out_stream.str(), "");
  const std::string error_text = err_stream.str();
  EXPECT_TRUE(error_text.starts_with("Error: ")) << error_text;
  EXPECT_NE(error_text.find("timed out after 2s fetching " + url), std::string::npos) << error_text;
  EXPECT_EQ(std::count(error_text.begin(), error_text.end(), '\n'), 1) << error_text;
}

TEST_F(GitFaultTest, RepositoryOverTheSizeLimitIsRefused) {
  repo().commit({{"small.yaml", "a: 1\n"}}, "first");
  git::PullRequest request = pull_request(repo().daemon_url(), Ref::branch("main"));
  request.fetch.max_repository_bytes = 1U << 20U;  // 1 MiB
  const git::PullResult first = git::pull(*cache_, request);
  const std::string old_digest = digest_of_dir(out());

  // About 2 MB of data that does not compress, in two files under the 8 MiB per-file limit.
  repo().commit(
      {{"blob1.bin", random_bytes(1'000'000, 1)}, {"blob2.bin", random_bytes(1'000'000, 2)}},
      "big");
  const Error error = request_error(request);
  EXPECT_EQ(error.code(), ErrorCode::kResourceExhausted) << error.message();
  EXPECT_NE(error.message().find("larger than the limit of 1048576 bytes"), std::string::npos)
      << error.message();
  EXPECT_EQ(digest_of_dir(out()), old_digest);

  // Within the limit the fetch passes, but a snapshot bigger than the limit does not.
  request.fetch.max_repository_bytes = 4U << 20U;
  request.snapshot.max_total_bytes = 1U << 20U;
  const Error snapshot_error = request_error(request);
  EXPECT_EQ(snapshot_error.code(), ErrorCode::kResourceExhausted) << snapshot_error.message();
  EXPECT_NE(snapshot_error.message().find("snapshot is over the limit of 1048576 bytes"),
            std::string::npos)
      << snapshot_error.message();
  EXPECT_EQ(digest_of_dir(out()), old_digest);

  request.snapshot.max_total_bytes = 4U << 20U;
  const git::PullResult big = git::pull(*cache_, request);
  EXPECT_NE(big.commit, first.commit);
  EXPECT_EQ(fs::file_size(out() / "blob1.bin"), 1'000'000U);

  // `sluice pull --max-repository-bytes`, with a fresh cache.
  const auto run = [&](const std::string& limit) {
    const std::vector<std::string> args{
        repo().daemon_url(),      "--branch", "main", "--out", (scratch_ / "cli").string(),
        "--max-repository-bytes", limit};
    std::ostringstream out_stream;
    std::ostringstream err_stream;
    const int code = cli::run_pull(cli::CommandContext{args, out_stream, err_stream, {}});
    return std::make_pair(code, err_stream.str());
  };
  const auto [refused, message] = run("1048576");
  EXPECT_EQ(refused, cli::kExitFailure);
  EXPECT_NE(message.find("larger than the limit of 1048576 bytes"), std::string::npos) << message;
  EXPECT_EQ(run("4194304").first, cli::kExitOk);
  EXPECT_EQ(run("1MiB").first, cli::kExitUsage);
}

TEST_F(GitFaultTest, ServerKilledMidFetchKeepsTheSnapshotAndTheCache) {
  repo().commit({{"a.yaml", "a: 1\n"}, {"dir/b.yaml", "b: 2\n"}}, "first");
  const std::string http = env().var("GIT_HTTP_URL");
  CuttingProxy proxy(std::stoi(http.substr(http.rfind(':') + 1)));
  const std::string via_proxy =
      "http://127.0.0.1:" + std::to_string(proxy.port()) + "/" + repo_name() + ".git";
  const git::PullResult first = pull(via_proxy, Ref::branch("main"), http_credentials());
  EXPECT_TRUE(first.downloaded);
  const std::string old_digest = digest_of_dir(out());
  const fs::path cached = cache_->repository_path(via_proxy, http_credentials());

  const std::string big =
      repo().commit({{"big.bin", random_bytes(2'000'000, 3)}, {"a.yaml", "a: 2\n"}}, "big");
  proxy.arm("PACK", 100'000);  // the pack of the next fetch dies after 100 kB
  git::PullRequest request = pull_request(via_proxy, Ref::branch("main"), http_credentials());
  const Error error = request_error(request);
  EXPECT_EQ(proxy.cuts(), 1);
  EXPECT_EQ(error.code(), ErrorCode::kUnavailable) << error.message();
  EXPECT_NE(error.message().find("fetching " + via_proxy), std::string::npos) << error.message();
  // The previous snapshot is untouched and nothing is left beside it.
  EXPECT_EQ(digest_of_dir(out()), old_digest);
  EXPECT_EQ(read_text_file(out() / "a.yaml"), "a: 1\n");
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(scratch_)) ++entries;
  EXPECT_EQ(entries, 2U);  // cache, out
  // The cache still answers for the old commit and passes git's own check.
  const ProcessResult fsck = run_process({"git", "--git-dir", cached.string(), "fsck", "--strict"});
  EXPECT_EQ(fsck.exit_code, 0) << fsck.out << fsck.err;
  const ProcessResult old_ref =
      run_process({"git", "--git-dir", cached.string(), "rev-parse", "refs/heads/main"});
  EXPECT_EQ(old_ref.out, first.commit + "\n");

  // A healthy path (the proxy no longer cuts) fetches only what is new into the same cache:
  // the first fetch's pack stays and one pack is added.
  const auto packs = [&] {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(cached / "objects" / "pack")) {
      if (entry.path().extension() == ".pack") names.push_back(entry.path().filename());
    }
    std::sort(names.begin(), names.end());
    return names;
  };
  const std::vector<std::string> packs_before = packs();
  EXPECT_EQ(packs_before.size(), 1U);
  for (const auto& entry : fs::directory_iterator(cached / "objects" / "pack")) {
    const std::string extension = entry.path().extension();
    EXPECT_TRUE(extension == ".pack" || extension == ".idx") << entry.path();  // no leftovers
  }
  proxy.disarm();
  const auto downloads = cache_->download_count();
  const git::PullResult next = pull(via_proxy, Ref::branch("main"), http_credentials());
  EXPECT_TRUE(next.downloaded);
  EXPECT_EQ(next.commit, big);
  EXPECT_EQ(cache_->download_count(), downloads + 1);
  const std::vector<std::string> packs_after = packs();
  EXPECT_EQ(packs_after.size(), packs_before.size() + 1);
  EXPECT_TRUE(std::includes(packs_after.begin(), packs_after.end(), packs_before.begin(),
                            packs_before.end()));
  EXPECT_EQ(read_text_file(out() / "a.yaml"), "a: 2\n");
  EXPECT_EQ(fs::file_size(out() / "big.bin"), 2'000'000U);
}

TEST_F(GitFaultTest, ServerStalledMidPackTimesOut) {
  repo().commit({{"a.yaml", "a: 1\n"}}, "first");
  const std::string http = env().var("GIT_HTTP_URL");
  CuttingProxy proxy(std::stoi(http.substr(http.rfind(':') + 1)));
  const std::string via_proxy =
      "http://127.0.0.1:" + std::to_string(proxy.port()) + "/" + repo_name() + ".git";
  const git::PullResult first = pull(via_proxy, Ref::branch("main"), http_credentials());
  const std::string old_digest = digest_of_dir(out());

  const std::string big = repo().commit({{"big.bin", random_bytes(2'000'000, 4)}}, "big");
  proxy.arm("PACK", 100'000, CuttingProxy::Fault::kStall);
  git::PullRequest request = pull_request(via_proxy, Ref::branch("main"), http_credentials());
  request.fetch.timeout = std::chrono::seconds(3);
  const auto start = Clock::now();
  const Error error = request_error(request);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(8));
  EXPECT_EQ(proxy.cuts(), 1);
  EXPECT_EQ(error.code(), ErrorCode::kDeadlineExceeded) << error.message();
  EXPECT_NE(error.message().find("timed out after 3s fetching " + via_proxy), std::string::npos)
      << error.message();
  EXPECT_EQ(digest_of_dir(out()), old_digest);

  proxy.disarm();
  const git::PullResult next = pull(via_proxy, Ref::branch("main"), http_credentials());
  EXPECT_EQ(next.commit, big);
  EXPECT_NE(next.digest, first.digest);
}

}  // namespace
}  // namespace sluice::testing
