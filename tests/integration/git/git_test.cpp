// The git poller against the real git servers of tests/env: smart HTTP with basic auth, ssh with
// host key checking, git daemon, and file://.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include <gtest/gtest.h>

#include "cli/pull_command.h"
#include "core/error.h"
#include "git/digest.h"
#include "git/pull.h"
#include "git/repository_cache.h"
#include "git_test_fixture.h"
#include "runtime/blocking_pool.h"
#include "test_env.h"
#include "test_helpers.h"

namespace sluice::testing {
namespace {

TEST_F(GitPollerTest, HttpWithBasicAuth) {
  const std::string sha = repo().commit({{"app/deploy.yaml", "kind: Deployment\n"}}, "first");
  const git::PullResult result = pull(plain_http_url(), Ref::branch("main"), http_credentials());
  EXPECT_EQ(result.commit, sha);
  EXPECT_EQ(result.revision, "main@sha1:" + sha);
  EXPECT_TRUE(result.digest.starts_with("sha256:"));
  EXPECT_TRUE(result.downloaded);
  EXPECT_EQ(read_text_file(out() / "app/deploy.yaml"), "kind: Deployment\n");
  EXPECT_FALSE(fs::exists(out() / ".git"));
}

TEST_F(GitPollerTest, HttpWrongPasswordIsUnauthenticated) {
  repo().commit({{"a", "1"}}, "first");
  git::Credentials credentials = http_credentials();
  credentials.password = "not-the-password-q7z";
  std::string message;
  EXPECT_EQ(pull_error(plain_http_url(), Ref::branch("main"), credentials, &message),
            ErrorCode::kUnauthenticated);
  EXPECT_EQ(message.find("q7z"), std::string::npos) << message;
  EXPECT_EQ(pull_error(plain_http_url(), Ref::branch("main")), ErrorCode::kUnauthenticated);
  EXPECT_FALSE(fs::exists(out()));
}

// A pinned commit is served from the cache without contacting the remote, so the cache must not
// hand a commit fetched with one source's credentials to another source naming the same private
// URL without them (another tenant's GitSource): it is keyed by the credentials as well.
TEST_F(GitPollerTest, CachedCommitIsNotServedWithoutTheCredentials) {
  const std::string sha = repo().commit({{"secret.yaml", "s: 1\n"}}, "first");
  EXPECT_EQ(pull(plain_http_url(), Ref::branch("main"), http_credentials()).commit, sha);
  EXPECT_EQ(pull_error(plain_http_url(), Ref::commit(sha)), ErrorCode::kUnauthenticated);
  git::Credentials wrong = http_credentials();
  wrong.password = "not-the-password-q7z";
  EXPECT_EQ(pull_error(plain_http_url(), Ref::commit(sha), wrong), ErrorCode::kUnauthenticated);
  EXPECT_NE(cache_->repository_path(plain_http_url(), wrong),
            cache_->repository_path(plain_http_url(), http_credentials()));
  // The rightful owner still gets it from the cache, without a new download.
  const std::uint64_t downloads = cache_->download_count();
  EXPECT_EQ(pull(plain_http_url(), Ref::commit(sha), http_credentials()).commit, sha);
  EXPECT_EQ(cache_->download_count(), downloads);
}

TEST_F(GitPollerTest, SshWithKeyAndKnownHosts) {
  const std::string sha = repo().commit({{"a.yaml", "a: 1\n"}}, "first");
  const git::PullResult result = pull(repo().ssh_url(), Ref::branch("main"), ssh_credentials());
  EXPECT_EQ(result.commit, sha);
  EXPECT_EQ(read_text_file(out() / "a.yaml"), "a: 1\n");
}

TEST_F(GitPollerTest, SshUnknownHostKeyIsRefused) {
  repo().commit({{"a.yaml", "a: 1\n"}}, "first");
  git::Credentials credentials = ssh_credentials();
  credentials.known_hosts = "";
  std::string message;
  EXPECT_EQ(pull_error(repo().ssh_url(), Ref::branch("main"), credentials, &message),
            ErrorCode::kVerificationFailed);
  EXPECT_NE(message.find("not in known_hosts"), std::string::npos) << message;
  credentials.known_hosts.reset();
  EXPECT_EQ(pull_error(repo().ssh_url(), Ref::branch("main"), credentials),
            ErrorCode::kVerificationFailed);
}

TEST_F(GitPollerTest, SshMismatchedHostKeyIsRefused) {
  repo().commit({{"a.yaml", "a: 1\n"}}, "first");
  git::Credentials credentials = ssh_credentials();
  // The same host name with another key (the client's public key stands in for an impostor).
  const std::string known = read_text_file(env().var("GIT_SSH_KNOWN_HOSTS"));
  const std::string host = known.substr(0, known.find(' '));
  credentials.known_hosts = host + " " + read_text_file(env().var("GIT_SSH_KEY") + ".pub");
  std::string message;
  EXPECT_EQ(pull_error(repo().ssh_url(), Ref::branch("main"), credentials, &message),
            ErrorCode::kVerificationFailed);
  EXPECT_NE(message.find("does not match"), std::string::npos) << message;
}

TEST_F(GitPollerTest, GitDaemonOnTheBlockingPool) {
  const std::string sha = repo().commit({{"a.yaml", "a: 1\n"}}, "first");
  runtime::BlockingPool pool(1);
  git::PullRequest request;
  request.url = repo().daemon_url();
  request.ref = Ref::branch("main");
  request.out = out();
  const git::PullResult result = git::pull(pool, *cache_, request);
  EXPECT_EQ(result.commit, sha);
  EXPECT_EQ(read_text_file(out() / "a.yaml"), "a: 1\n");
}

TEST_F(GitPollerTest, SameDigestWhateverTheTransport) {
  repo().commit({{"a.yaml", "a: 1\n"}, {"dir/b.yaml", "b: 2\n"}, {"dir/sub/c", "c"}}, "first");
  const std::string http = pull(plain_http_url(), Ref::branch("main"), http_credentials()).digest;
  const std::string ssh =
      pull(repo().ssh_url(), Ref::branch("main"), ssh_credentials(), "out-ssh").digest;
  const std::string daemon = pull(repo().daemon_url(), Ref::branch("main"), {}, "out-git").digest;
  const std::string file =
      pull("file://" + bare().string(), Ref::branch("main"), {}, "out-file").digest;
  EXPECT_EQ(http, ssh);
  EXPECT_EQ(http, daemon);
  EXPECT_EQ(http, file);
}

TEST_F(GitPollerTest, TagsArePeeledToTheirCommit) {
  const std::string first = repo().commit({{"a", "1"}}, "first");
  git_in_bare({"tag", "-a", "v1.0.0", "-m", "release", first});
  git_in_bare({"tag", "light", first});
  const std::string second = repo().commit({{"a", "2"}}, "second");
  const git::PullResult annotated = pull(repo().daemon_url(), Ref::tag("v1.0.0"));
  EXPECT_EQ(annotated.commit, first);
  EXPECT_EQ(annotated.revision, "v1.0.0@sha1:" + first);
  EXPECT_EQ(read_text_file(out() / "a"), "1");
  EXPECT_EQ(pull(repo().daemon_url(), Ref::tag("light")).commit, first);
  EXPECT_EQ(pull(repo().daemon_url(), Ref::branch("main")).commit, second);
  EXPECT_EQ(read_text_file(out() / "a"), "2");
}

TEST_F(GitPollerTest, SemverPicksTheHighestMatchingTag) {
  const std::string first = repo().commit({{"a", "1"}}, "first");
  git_in_bare({"tag", "-a", "v1.0.0", "-m", "release", first});
  const std::string second = repo().commit({{"a", "2"}}, "second");
  git_in_bare({"tag", "v1.1.0", second});
  const std::string third = repo().commit({{"a", "3"}}, "third");
  git_in_bare({"tag", "-a", "v2.0.0-rc.1", "-m", "candidate", third});
  git_in_bare({"tag", "not-a-version", third});
  const git::PullResult stable = pull(repo().daemon_url(), Ref::semver(">=1.0.0 <3.0.0"));
  EXPECT_EQ(stable.commit, second);
  EXPECT_EQ(stable.revision, "v1.1.0@sha1:" + second);
  EXPECT_EQ(read_text_file(out() / "a"), "2");
  const git::PullResult candidate = pull(repo().daemon_url(), Ref::semver(">=2.0.0-0"));
  EXPECT_EQ(candidate.revision, "v2.0.0-rc.1@sha1:" + third);
  EXPECT_EQ(pull(repo().daemon_url(), Ref::semver("~1.0")).commit, first);
  EXPECT_EQ(pull_error(repo().daemon_url(), Ref::semver(">=3")), ErrorCode::kNotFound);
}

TEST_F(GitPollerTest, ExactCommit) {
  const std::string first = repo().commit({{"a", "1"}}, "first");
  repo().commit({{"a", "2"}}, "second");
  const git::PullResult result = pull(repo().daemon_url(), Ref::commit(first));
  EXPECT_EQ(result.commit, first);
  EXPECT_EQ(result.revision, "sha1:" + first);
  EXPECT_EQ(read_text_file(out() / "a"), "1");
  // Already cached: no network at all.
  const auto lists = cache_->list_count();
  EXPECT_FALSE(pull(repo().daemon_url(), Ref::commit(first)).downloaded);
  EXPECT_EQ(cache_->list_count(), lists);
  EXPECT_EQ(pull_error(repo().daemon_url(), Ref::commit(std::string(40, 'a'))),
            ErrorCode::kNotFound);
}

TEST_F(GitPollerTest, CommitOnABranch) {
  const std::string first = repo().commit({{"a", "1"}}, "first");
  const std::string second = repo().commit({{"a", "2"}}, "second");
  const std::string other = repo().commit({{"a", "3"}}, "elsewhere", "feature");
  const git::PullResult result = pull(repo().daemon_url(), Ref::commit_on_branch(first, "main"));
  EXPECT_EQ(result.commit, first);
  EXPECT_EQ(result.revision, "main@sha1:" + first);
  EXPECT_EQ(read_text_file(out() / "a"), "1");
  EXPECT_EQ(pull(repo().daemon_url(), Ref::commit_on_branch(second, "main")).commit, second);
  // On another branch only, or no such branch: not found, and the snapshot stays.
  std::string message;
  EXPECT_EQ(pull_error(repo().daemon_url(), Ref::commit_on_branch(other, "main"), {}, &message),
            ErrorCode::kNotFound);
  EXPECT_NE(message.find("not on branch main"), std::string::npos) << message;
  EXPECT_EQ(pull_error(repo().daemon_url(), Ref::commit_on_branch(first, "nope")),
            ErrorCode::kNotFound);
  EXPECT_EQ(read_text_file(out() / "a"), "2");
  EXPECT_EQ(pull(repo().daemon_url(), Ref::commit_on_branch(other, "feature")).commit, other);

  // The same through `sluice pull --commit SHA --branch B`.
  const std::vector<std::string> args{repo().daemon_url(),
                                      "--commit",
                                      first,
                                      "--branch",
                                      "main",
                                      "--out",
                                      (scratch_ / "cli-out").string()};
  std::ostringstream out_stream;
  std::ostringstream err_stream;
  ASSERT_EQ(cli::run_pull(cli::CommandContext{args, out_stream, err_stream, {}}), cli::kExitOk)
      << err_stream.str();
  EXPECT_TRUE(out_stream.str().starts_with("revision: main@sha1:" + first + "\n"))
      << out_stream.str();
}

TEST_F(GitPollerTest, UnknownRefIsNotFound) {
  repo().commit({{"a", "1"}}, "first");
  EXPECT_EQ(pull_error(repo().daemon_url(), Ref::branch("nope")), ErrorCode::kNotFound);
  EXPECT_EQ(pull_error(repo().daemon_url(), Ref::tag("v9")), ErrorCode::kNotFound);
}

TEST_F(GitPollerTest, UnchangedRemoteMakesNoFetchAndNewCommitFetchesIncrementally) {
  const std::string first = repo().commit({{"a", "1"}}, "first");
  EXPECT_TRUE(pull(plain_http_url(), Ref::branch("main"), http_credentials()).downloaded);
  EXPECT_EQ(cache_->download_count(), 1U);
  const git::PullResult again = pull(plain_http_url(), Ref::branch("main"), http_credentials());
  EXPECT_FALSE(again.downloaded);
  EXPECT_EQ(again.commit, first);
  EXPECT_EQ(cache_->download_count(), 1U);
  EXPECT_EQ(cache_->list_count(), 2U);

  const fs::path cached = cache_->repository_path(plain_http_url(), http_credentials());
  const std::string second = repo().commit({{"b", "2"}}, "second");
  const git::PullResult next = pull(plain_http_url(), Ref::branch("main"), http_credentials());
  EXPECT_TRUE(next.downloaded);
  EXPECT_EQ(next.commit, second);
  EXPECT_EQ(cache_->download_count(), 2U);
  EXPECT_EQ(cache_->repository_path(plain_http_url(), http_credentials()),
            cached);  // same cache, not a new clone
  EXPECT_EQ(read_text_file(out() / "b"), "2");
}

TEST_F(GitPollerTest, SymlinksInsideTheTreeAreKeptOutsideRefused) {
  repo().commit({{"target.yaml", "x: 1\n"}}, "first");
  // Commit symlinks with the git CLI in a clone of our own.
  const fs::path work = scratch_ / "work";
  ASSERT_EQ(run_process({"git", "clone", "-q", bare().string(), work.string()}).exit_code, 0);
  fs::create_directories(work / "dir");
  fs::create_symlink("../target.yaml", work / "dir" / "inside");
  const auto commit_and_push = [&](const std::string& message) {
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"add", "-A"},
             {"-c", "user.name=t", "-c", "user.email=t@sluice.dev", "commit", "-q", "-m", message},
             {"push", "-q", "origin", "HEAD:refs/heads/main"}}) {
      std::vector<std::string> argv{"git", "-C", work.string()};
      argv.insert(argv.end(), args.begin(), args.end());
      const ProcessResult result = run_process(argv);
      ASSERT_EQ(result.exit_code, 0) << result.err;
    }
  };
  commit_and_push("inside link");
  const git::PullResult good = pull(repo().daemon_url(), Ref::branch("main"));
  EXPECT_EQ(fs::read_symlink(out() / "dir" / "inside"), "../target.yaml");
  EXPECT_EQ(read_text_file(out() / "dir" / "inside"), "x: 1\n");

  fs::create_symlink("../../etc/passwd", work / "dir" / "escape");
  commit_and_push("escaping link");
  std::string message;
  EXPECT_EQ(pull_error(repo().daemon_url(), Ref::branch("main"), {}, &message),
            ErrorCode::kInvalidArgument);
  EXPECT_NE(message.find("dir/escape"), std::string::npos) << message;
  // The previous snapshot is intact and nothing is left beside it.
  EXPECT_FALSE(fs::exists(fs::symlink_status(out() / "dir" / "escape")));
  EXPECT_EQ(read_text_file(out() / "target.yaml"), "x: 1\n");
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(scratch_)) ++entries;
  EXPECT_EQ(entries, 3U);  // cache, out, work
  static_cast<void>(good);
}

TEST_F(GitPollerTest, TimeoutIsDeadlineExceeded) {
  repo().commit({{"a", "1"}}, "first");
  git::PullRequest request;
  request.url = repo().ssh_url();
  request.ref = Ref::branch("main");
  request.fetch.credentials = ssh_credentials();
  request.fetch.timeout = std::chrono::nanoseconds(1);
  request.out = out();
  try {
    git::pull(*cache_, request);
    ADD_FAILURE() << "pull succeeded";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kDeadlineExceeded) << e.message();
  }
  EXPECT_FALSE(fs::exists(out()));
}

TEST_F(GitPollerTest, PullCommandPrintsRevisionAndDigest) {
  const std::string sha = repo().commit({{"a", "1"}}, "first");
  const fs::path secret = scratch_ / "secret";
  fs::create_directories(secret);
  std::ofstream(secret / "username") << env().var("GIT_HTTP_USER") << "\n";
  std::ofstream(secret / "password") << env().var("GIT_HTTP_PASSWORD");
  const std::vector<std::string> args{plain_http_url(), "--branch",  "main", "--out",
                                      out().string(),   "--timeout", "30s",  "--secret-dir",
                                      secret.string()};
  std::ostringstream out_stream;
  std::ostringstream err_stream;
  const int code = cli::run_pull(cli::CommandContext{args, out_stream, err_stream, {}});
  EXPECT_EQ(code, cli::kExitOk) << err_stream.str();
  const std::string digest = pull(repo().daemon_url(), Ref::branch("main"), {}, "other").digest;
  EXPECT_EQ(out_stream.str(), "revision: main@sha1:" + sha + "\ndigest: " + digest + "\n");

  const std::vector<std::string> bad{plain_http_url(), "--branch", "main", "--out", out().string()};
  std::ostringstream out2;
  std::ostringstream err2;
  EXPECT_EQ(cli::run_pull(cli::CommandContext{bad, out2, err2, {}}), cli::kExitFailure);
  EXPECT_EQ(out2.str(), "");
  const std::string error_text = err2.str();
  EXPECT_TRUE(error_text.starts_with("Error: ")) << error_text;
  EXPECT_EQ(std::count(error_text.begin(), error_text.end(), '\n'), 1) << error_text;

  const std::vector<std::string> usage{plain_http_url(), "--out", out().string()};
  EXPECT_EQ(cli::run_pull(cli::CommandContext{usage, out2, err2, {}}), cli::kExitUsage);
}

TEST_F(GitPollerTest, IgnoreRulesApplyToTheSnapshotAndTheDigest) {
  repo().commit({{".sluiceignore", "# docs are not deployed\n*.md\nsecret/\n"},
                 {"README.md", "readme"},
                 {"app/deploy.yaml", "kind: Deployment\n"},
                 {"app/NOTES.md", "notes"},
                 {"secret/key.yaml", "k"},
                 {"docs/a.txt", "a"},
                 {"docs/keep.txt", "keep"},
                 {"tmp/x.log", "x"}},
                "first");
  git::PullRequest request;
  request.url = repo().daemon_url();
  request.ref = Ref::branch("main");
  request.out = out();
  request.snapshot.ignore = {"/docs/**\n!docs/keep.txt", "!secret/key.yaml", "tmp/"};
  const git::PullResult result = git::pull(*cache_, request);
  EXPECT_TRUE(fs::exists(out() / ".sluiceignore"));
  EXPECT_EQ(read_text_file(out() / "app/deploy.yaml"), "kind: Deployment\n");
  EXPECT_EQ(read_text_file(out() / "docs/keep.txt"), "keep");
  EXPECT_FALSE(fs::exists(out() / "README.md"));
  EXPECT_FALSE(fs::exists(out() / "app/NOTES.md"));
  EXPECT_FALSE(fs::exists(out() / "secret"));  // a negation cannot reach under an ignored dir
  EXPECT_FALSE(fs::exists(out() / "docs/a.txt"));
  EXPECT_FALSE(fs::exists(out() / "tmp"));
  git::TreeDigest expected;
  expected.add(".sluiceignore", git::kModeFile, "# docs are not deployed\n*.md\nsecret/\n");
  expected.add("app/deploy.yaml", git::kModeFile, "kind: Deployment\n");
  expected.add("docs/keep.txt", git::kModeFile, "keep");
  EXPECT_EQ(result.digest, expected.finish());

  // The same through `sluice pull --ignore`.
  const fs::path cli_out = scratch_ / "cli-out";
  const std::vector<std::string> args{repo().daemon_url(), "--branch", "main", "--out",
                                      cli_out.string(),    "--ignore", "app/", "--ignore=docs"};
  std::ostringstream out_stream;
  std::ostringstream err_stream;
  ASSERT_EQ(cli::run_pull(cli::CommandContext{args, out_stream, err_stream, {}}), cli::kExitOk)
      << err_stream.str();
  EXPECT_FALSE(fs::exists(cli_out / "app"));
  EXPECT_FALSE(fs::exists(cli_out / "docs"));
  EXPECT_TRUE(fs::exists(cli_out / "tmp/x.log"));
  git::TreeDigest cli_expected;
  cli_expected.add(".sluiceignore", git::kModeFile, "# docs are not deployed\n*.md\nsecret/\n");
  cli_expected.add("tmp/x.log", git::kModeFile, "x");
  EXPECT_NE(out_stream.str().find("digest: " + cli_expected.finish() + "\n"), std::string::npos)
      << out_stream.str();
}

TEST_F(GitPollerTest, SshSignedCommitAndTagExposeExactPayloads) {
  const std::string unsigned_sha = repo().commit({{"a", "1"}}, "unsigned");
  const git::PullResult plain = pull(repo().daemon_url(), Ref::branch("main"));
  EXPECT_EQ(plain.commit, unsigned_sha);
  EXPECT_FALSE(plain.commit_signature);
  EXPECT_FALSE(plain.tag_signature);

  const fs::path key = scratch_ / "signing_key";
  run_ok({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "t@sluice.dev", "-f", key.string()});
  const fs::path allowed = scratch_ / "allowed_signers";
  std::ofstream(allowed) << "t@sluice.dev namespaces=\"git\" "
                         << read_text_file(key.string() + ".pub");
  const fs::path work = scratch_ / "work";
  run_ok({"git", "clone", "-q", bare().string(), work.string()});
  const std::vector<std::string> signing{"-c", "gpg.format=ssh", "-c",
                                         "user.signingkey=" + key.string()};
  std::ofstream(work / "a") << "2";
  git_in(work, {"add", "-A"});
  std::vector<std::string> commit_args = signing;
  commit_args.insert(commit_args.end(), {"commit", "-q", "-S", "-m", "signed"});
  git_in(work, commit_args);
  std::vector<std::string> tag_args = signing;
  tag_args.insert(tag_args.end(), {"tag", "-s", "-m", "signed release", "v1.0.0"});
  git_in(work, tag_args);
  git_in(work, {"tag", "-a", "-m", "unsigned release", "v0.9.0", unsigned_sha});
  git_in(work, {"push", "-q", "origin", "HEAD:refs/heads/main", "v1.0.0", "v0.9.0"});
  const std::string signed_sha = git_in(work, {"rev-parse", "HEAD"});

  const auto verifies = [&](const git::SignedObject& object) {
    const fs::path signature = scratch_ / "signature";
    std::ofstream(signature, std::ios::binary) << object.signature;
    const ProcessResult result =
        run_process({"ssh-keygen", "-Y", "verify", "-f", allowed.string(), "-I", "t@sluice.dev",
                     "-n", "git", "-s", signature.string()},
                    ProcessOptions{}.set_input(object.payload));
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    return result.exit_code == 0;
  };

  const git::PullResult branch = pull(repo().daemon_url(), Ref::branch("main"));
  EXPECT_EQ(branch.commit, signed_sha);
  ASSERT_TRUE(branch.commit_signature);
  EXPECT_TRUE(branch.commit_signature->signature.starts_with("-----BEGIN SSH SIGNATURE-----"));
  EXPECT_TRUE(branch.commit_signature->payload.starts_with("tree "));
  EXPECT_EQ(branch.commit_signature->payload.find("gpgsig"), std::string::npos);
  EXPECT_TRUE(verifies(*branch.commit_signature));
  EXPECT_FALSE(branch.tag_signature);  // a branch ref has no tag

  // One changed byte and the signature no longer verifies: the payload really is what was signed.
  git::SignedObject tampered = *branch.commit_signature;
  tampered.payload.back() = tampered.payload.back() == 'x' ? 'y' : 'x';
  const fs::path signature = scratch_ / "signature";
  std::ofstream(signature, std::ios::binary) << tampered.signature;
  EXPECT_NE(run_process({"ssh-keygen", "-Y", "verify", "-f", allowed.string(), "-I", "t@sluice.dev",
                         "-n", "git", "-s", signature.string()},
                        ProcessOptions{}.set_input(tampered.payload))
                .exit_code,
            0);

  const git::PullResult tag = pull(repo().daemon_url(), Ref::tag("v1.0.0"));
  EXPECT_EQ(tag.commit, signed_sha);
  ASSERT_TRUE(tag.commit_signature);
  ASSERT_TRUE(tag.tag_signature);
  EXPECT_TRUE(tag.tag_signature->payload.starts_with("object " + signed_sha + "\n"));
  EXPECT_TRUE(verifies(*tag.tag_signature));

  const git::PullResult unsigned_tag = pull(repo().daemon_url(), Ref::semver("<1.0.0"));
  EXPECT_EQ(unsigned_tag.commit, unsigned_sha);
  EXPECT_FALSE(unsigned_tag.commit_signature);
  EXPECT_FALSE(unsigned_tag.tag_signature);
}

TEST_F(GitPollerTest, ForcePushedBranchIsFollowed) {
  const std::string first = repo().commit({{"a", "1"}}, "first");
  const std::string second = repo().commit({{"b", "2"}}, "second");
  EXPECT_EQ(pull(repo().daemon_url(), Ref::branch("main")).commit, second);
  EXPECT_EQ(read_text_file(out() / "b"), "2");

  // Rewrite main: a new commit on top of `first`, so `second` is no longer on the branch.
  const fs::path work = scratch_ / "work";
  run_ok({"git", "clone", "-q", bare().string(), work.string()});
  git_in(work, {"reset", "-q", "--hard", first});
  std::ofstream(work / "c") << "3";
  git_in(work, {"add", "-A"});
  git_in(work, {"commit", "-q", "-m", "rewritten"});
  git_in(work, {"push", "-q", "--force", "origin", "HEAD:refs/heads/main"});
  const std::string rewritten = git_in(work, {"rev-parse", "HEAD"});
  ASSERT_NE(rewritten, second);

  const git::PullResult result = pull(repo().daemon_url(), Ref::branch("main"));
  EXPECT_TRUE(result.downloaded);
  EXPECT_EQ(result.commit, rewritten);
  EXPECT_EQ(read_text_file(out() / "c"), "3");
  EXPECT_FALSE(fs::exists(out() / "b"));
  EXPECT_EQ(read_text_file(out() / "a"), "1");
}

TEST_F(GitPollerTest, UnreachableRemoteKeepsTheSnapshotAndTheCache) {
  repo().commit({{"a", "1"}}, "first");
  // A copy of the bare repository served over file://, which the test can take away.
  const fs::path remote = scratch_ / "remote.git";
  fs::copy(bare(), remote, fs::copy_options::recursive);
  const std::string url = "file://" + remote.string();
  const git::PullResult first = pull(url, Ref::branch("main"));
  EXPECT_TRUE(first.downloaded);
  const fs::path cached = cache_->repository_path(url);

  fs::rename(remote, scratch_ / "moved.git");
  std::string message;
  const ErrorCode code = pull_error(url, Ref::branch("main"), {}, &message);
  EXPECT_TRUE(code == ErrorCode::kUnavailable || code == ErrorCode::kNotFound) << message;
  EXPECT_EQ(read_text_file(out() / "a"), "1");
  EXPECT_TRUE(fs::exists(cached));

  // Back again: the cache is intact and up to date, so nothing is downloaded.
  fs::rename(scratch_ / "moved.git", remote);
  const auto downloads = cache_->download_count();
  const git::PullResult again = pull(url, Ref::branch("main"));
  EXPECT_FALSE(again.downloaded);
  EXPECT_EQ(again.commit, first.commit);
  EXPECT_EQ(again.digest, first.digest);
  EXPECT_EQ(cache_->download_count(), downloads);
}

}  // namespace
}  // namespace sluice::testing
