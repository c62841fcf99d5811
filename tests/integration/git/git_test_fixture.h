#pragma once

// The fixture of the git poller's integration tests: a fresh repository on the real git servers
// of tests/env, a scratch directory with a RepositoryCache, and helpers to pull and run git.

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/error.h"
#include "git/pull.h"
#include "git/repository_cache.h"
#include "test_env.h"
#include "test_helpers.h"

namespace sluice::testing {

namespace fs = std::filesystem;
using git::Ref;

class GitPollerTest : public EnvTest {
 protected:
  void SetUp() override {
    EnvTest::SetUp();
    scratch_ = fs::temp_directory_path() / ("sluice-git-test-" + repo().name());
    fs::create_directories(scratch_);
    cache_ = std::make_unique<git::RepositoryCache>(scratch_ / "cache");
  }
  void TearDown() override {
    cache_.reset();
    std::error_code ec;
    fs::remove_all(scratch_, ec);
    EnvTest::TearDown();
  }

  std::string plain_http_url() const {
    return env().var("GIT_HTTP_URL") + "/" + repo_name() + ".git";
  }
  std::string repo_name() const { return const_cast<GitPollerTest*>(this)->repo().name(); }
  fs::path bare() const { return fs::path(env().var("GIT_ROOT")) / (repo_name() + ".git"); }

  git::Credentials http_credentials() const {
    git::Credentials c;
    c.username = env().var("GIT_HTTP_USER");
    c.password = env().var("GIT_HTTP_PASSWORD");
    return c;
  }
  git::Credentials ssh_credentials() const {
    git::Credentials c;
    c.identity = read_text_file(env().var("GIT_SSH_KEY"));
    c.known_hosts = read_text_file(env().var("GIT_SSH_KNOWN_HOSTS"));
    return c;
  }

  git::PullRequest pull_request(const std::string& url, const Ref& ref,
                                git::Credentials credentials = {},
                                const std::string& out = "out") const {
    git::PullRequest request;
    request.url = url;
    request.ref = ref;
    request.fetch.credentials = std::move(credentials);
    request.fetch.timeout = std::chrono::seconds(30);
    request.out = scratch_ / out;
    return request;
  }
  git::PullResult pull(const std::string& url, const Ref& ref, git::Credentials credentials = {},
                       const std::string& out = "out") {
    return git::pull(*cache_, pull_request(url, ref, std::move(credentials), out));
  }

  // Runs `request` and returns the Error it throws (fails the test if none).
  Error request_error(const git::PullRequest& request) {
    try {
      git::pull(*cache_, request);
    } catch (const Error& e) {
      return e;
    }
    ADD_FAILURE() << "pull of " << request.url << " succeeded";
    return Error(ErrorCode::kInternal, "pull succeeded");
  }

  // Runs pull and returns the code of the Error it throws (fails the test if none).
  ErrorCode pull_error(const std::string& url, const Ref& ref, git::Credentials credentials = {},
                       std::string* message = nullptr) {
    try {
      pull(url, ref, std::move(credentials));
    } catch (const Error& e) {
      if (message != nullptr) *message = e.message();
      return e.code();
    }
    ADD_FAILURE() << "pull succeeded";
    return ErrorCode::kInternal;
  }

  void git_in_bare(const std::vector<std::string>& args) {
    std::vector<std::string> argv{
        "git", "-c", "user.name=t", "-c", "user.email=t@sluice.dev", "--git-dir", bare().string()};
    argv.insert(argv.end(), args.begin(), args.end());
    const ProcessResult result = run_process(argv);
    ASSERT_EQ(result.exit_code, 0) << result.err;
  }

  fs::path out() const { return scratch_ / "out"; }

  // Runs a program, fails the test unless it exits 0, returns its stdout without the last '\n'.
  static std::string run_ok(const std::vector<std::string>& argv,
                            const ProcessOptions& options = {}) {
    const ProcessResult result = run_process(argv, options);
    EXPECT_EQ(result.exit_code, 0) << argv[0] << " " << argv[1] << ": " << result.err;
    std::string text = result.out;
    if (!text.empty() && text.back() == '\n') text.pop_back();
    return text;
  }

  // git in a working clone `work` of the bare repository, committing as t@sluice.dev.
  std::string git_in(const fs::path& work, const std::vector<std::string>& args) {
    std::vector<std::string> argv{
        "git", "-C", work.string(), "-c", "user.name=t", "-c", "user.email=t@sluice.dev"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_ok(argv);
  }

  fs::path scratch_;
  std::unique_ptr<git::RepositoryCache> cache_;
};

}  // namespace sluice::testing
