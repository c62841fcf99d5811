// The Git poller's polling cost (operator/src/git) against the git CLI on the same repository:
// a 5,000-file repository in a bare repository, served over file:// and, when the test
// environment's variables are set (`. build/env/env.sh`: GIT_ROOT, GIT_HTTP_URL, GIT_HTTP_USER,
// GIT_HTTP_PASSWORD), over smart HTTP by the test server (tests/env/git_http_server.py).
// Cases, each run kRuns times (median printed):
//  * no-change poll: RepositoryCache::fetch of an unchanged branch vs `git fetch` in an
//    up-to-date clone;
//  * incremental fetch: one new commit (one file changed) pushed, then RepositoryCache::fetch vs
//    `git fetch` of that same commit;
//  * for reference, the first fetch (clone) and writing the 5,000-file snapshot.
// See docs/benchmarks.md ("Git poller") for how to run it and the numbers.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <unistd.h>

#include "core/error.h"
#include "git/credentials.h"
#include "git/ref.h"
#include "git/repository_cache.h"
#include "git/snapshot.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using sluice::git::Ref;
using sluice::git::RepositoryCache;

constexpr int kRuns = 5;
constexpr int kFiles = 5000;
constexpr int kFilesPerDir = 100;

void sh(const std::string& command) {
  if (std::system(command.c_str()) != 0) throw std::runtime_error("failed: " + command);
}

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double time_ms(const std::function<void()>& body) {
  const auto start = Clock::now();
  body();
  return ms_since(start);
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

// A YAML-ish file of about 1 KiB, different for each index.
std::string file_content(int index) {
  std::string text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-" +
                     std::to_string(index) + "\ndata:\n";
  std::mt19937 random(static_cast<unsigned>(index));
  for (int line = 0; line < 16; ++line) {
    text += "  key" + std::to_string(line) + ": \"";
    for (int c = 0; c < 48; ++c) text += static_cast<char>('a' + random() % 26);
    text += "\"\n";
  }
  return text;
}

void print_row(const char* name, double sluice_ms, double git_ms) {
  if (git_ms < 0) {
    std::printf("| %-46s | %10.1f | %10s |\n", name, sluice_ms, "-");
  } else {
    std::printf("| %-46s | %10.1f | %10.1f |\n", name, sluice_ms, git_ms);
  }
}

// One transport: where the bare remote lives, the URL sluice fetches and the URL the git CLI
// fetches (with the credentials in it).
struct Transport {
  std::string name;
  std::string slug;  // for file names
  fs::path remote;
  std::string url;
  std::string cli_url;
  sluice::git::Credentials credentials;
};

const char* env_or_null(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : nullptr;
}

void run_transport(const Transport& transport, const fs::path& work, const fs::path& root,
                   const std::string& git) {
  sh("git init -q --bare -b main " + transport.remote.string());
  sh(git + "-C " + work.string() + " push -q " + transport.remote.string() + " main");
  const fs::path clone = root / ("clone-" + transport.slug);
  RepositoryCache cache(root / ("cache-" + transport.slug));
  const Ref main_branch = Ref::branch("main");
  sluice::git::FetchOptions options;
  options.credentials = transport.credentials;
  std::string commit;
  const double sluice_clone =
      time_ms([&] { commit = cache.fetch(transport.url, main_branch, options).commit; });
  const double git_clone =
      time_ms([&] { sh("git clone -q '" + transport.cli_url + "' " + clone.string()); });
  const fs::path repository = cache.repository_path(transport.url, transport.credentials);
  std::vector<double> snapshot;
  snapshot.reserve(kRuns);
  for (int run = 0; run < kRuns; ++run) {
    snapshot.push_back(time_ms([&] {
      sluice::git::write_snapshot(repository, commit, root / ("out-" + transport.slug), {});
    }));
  }

  std::vector<double> sluice_poll;
  std::vector<double> git_poll;
  sluice_poll.reserve(kRuns);
  git_poll.reserve(kRuns);
  for (int run = 0; run < kRuns; ++run) {
    sluice_poll.push_back(time_ms([&] {
      if (cache.fetch(transport.url, main_branch, options).downloaded) {
        throw std::runtime_error("a no-change poll downloaded");
      }
    }));
    git_poll.push_back(time_ms([&] { sh("git -C " + clone.string() + " fetch -q origin"); }));
  }

  std::vector<double> sluice_incremental;
  std::vector<double> git_incremental;
  sluice_incremental.reserve(kRuns);
  git_incremental.reserve(kRuns);
  for (int run = 0; run < kRuns; ++run) {
    std::ofstream(work / "dir0" / "file0.yaml", std::ios::app)
        << "# change " << transport.slug << " " << run << "\n";
    sh(git + "-C " + work.string() + " commit -q -a -m change");
    sh(git + "-C " + work.string() + " push -q " + transport.remote.string() + " main");
    sluice_incremental.push_back(time_ms([&] {
      if (!cache.fetch(transport.url, main_branch, options).downloaded) {
        throw std::runtime_error("an incremental fetch downloaded nothing");
      }
    }));
    git_incremental.push_back(
        time_ms([&] { sh("git -C " + clone.string() + " fetch -q origin"); }));
  }

  std::printf("git poller, %d files (%d runs, median, milliseconds), %s remote\n\n", kFiles, kRuns,
              transport.name.c_str());
  std::printf("| %-46s | %10s | %10s |\n", "case", "sluice", "git CLI");
  std::printf("| %-46s | %10s | %10s |\n", "---", "---", "---");
  print_row("no-change poll (fetch / git fetch)", median(sluice_poll), median(git_poll));
  print_row("incremental fetch of one new commit", median(sluice_incremental),
            median(git_incremental));
  print_row("first fetch (cache init / git clone), 1 run", sluice_clone, git_clone);
  print_row("snapshot write + digest of 5,000 files", median(snapshot), -1);
  std::printf("\ndownloads %llu, ref listings %llu\n\n",
              static_cast<unsigned long long>(cache.download_count()),
              static_cast<unsigned long long>(cache.list_count()));
}

}  // namespace

int main() {
  const std::string id = std::to_string(::getpid());
  const fs::path root = fs::temp_directory_path() / ("sluice-bench-git-" + id);
  const fs::path work = root / "work";
  const std::string git = "git -c user.name=bench -c user.email=bench@sluice.dev ";
  std::vector<Transport> transports;
  transports.push_back({"file://", "file", root / "remote.git", "", "", {}});
  transports.back().url = "file://" + transports.back().remote.string();
  transports.back().cli_url = transports.back().url;
  const char* git_root = env_or_null("GIT_ROOT");
  const char* http_url = env_or_null("GIT_HTTP_URL");
  const char* user = env_or_null("GIT_HTTP_USER");
  const char* password = env_or_null("GIT_HTTP_PASSWORD");
  if (git_root != nullptr && http_url != nullptr && user != nullptr && password != nullptr) {
    Transport http{"smart HTTP", "http", fs::path(git_root) / ("bench-" + id + ".git"), "", "", {}};
    const std::string path = "/bench-" + id + ".git";
    http.url = std::string(http_url) + path;
    const std::string host = std::string(http_url).substr(std::strlen("http://"));
    http.cli_url = "http://" + std::string(user) + ":" + password + "@" + host + path;
    http.credentials.username = user;
    http.credentials.password = password;
    transports.push_back(std::move(http));
  } else {
    std::printf("(no GIT_HTTP_URL: smart HTTP skipped; source build/env/env.sh for it)\n\n");
  }
  int status = 0;
  try {
    fs::create_directories(work);
    for (int i = 0; i < kFiles; ++i) {
      const fs::path dir = work / ("dir" + std::to_string(i / kFilesPerDir));
      fs::create_directories(dir);
      std::ofstream(dir / ("file" + std::to_string(i) + ".yaml")) << file_content(i);
    }
    sh("git init -q -b main " + work.string());
    sh(git + "-C " + work.string() + " add -A");
    sh(git + "-C " + work.string() + " commit -q -m initial");
    for (const Transport& transport : transports) run_transport(transport, work, root, git);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "benchmark failed: %s\n", e.what());
    status = 1;
  }
  std::error_code ec;
  fs::remove_all(root, ec);
  if (transports.size() > 1) fs::remove_all(transports[1].remote, ec);
  return status;
}
