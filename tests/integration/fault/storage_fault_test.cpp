// The snapshot disk full (label `fault`): the operator's --storage-dir on a small tmpfs of its
// own, filled up so that the next revision's snapshot cannot be written. The GitSource says so
// (ArtifactFailed, naming ENOSPC), the last good snapshot and what was applied from it stay, no
// half-written folder is left beside it, and once space is freed the new revision is applied.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "manifests.h"
#include "operator_fixture.h"
#include "test_helpers.h"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

constexpr const char* kTmpfsSize = "16m";

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) out += name + " ";
  return out;
}

class StorageFaultTest : public OperatorTest {
 protected:
  // Unmounted whether the test passed or not; the operator is stopped first, so it never sees
  // its storage vanish (OperatorTest::TearDown then finds it stopped and removes the folder).
  void TearDown() override {
    if (mounted_) {
      if (op().running()) {
        EXPECT_EQ(op().stop(), 0) << op().log();
      }
      if (run_process({"umount", storage_dir().string()}).exit_code != 0) {
        run_process({"umount", "-l", storage_dir().string()});
      }
    }
    OperatorTest::TearDown();
  }

  // Restarts the operator on a fresh tmpfs of kTmpfsSize at its storage directory.
  void restart_on_tmpfs() {
    ASSERT_EQ(op().stop(), 0) << op().log();
    fs::create_directories(storage_dir());
    const ProcessResult mount = run_process(
        {"mount", "-t", "tmpfs", "-o", std::string("size=") + kTmpfsSize, "tmpfs", storage_dir()});
    ASSERT_EQ(mount.exit_code, 0) << "mounting a tmpfs needs root: " << mount.err;
    mounted_ = true;
    ASSERT_NO_THROW(op().start());
  }

  // Fills the storage up to `left` bytes free (a file written until ENOSPC, then cut back).
  void fill_leaving(std::uintmax_t left) {
    const int fd = ::open(filler().c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    ASSERT_GE(fd, 0);
    const std::string chunk(std::size_t{1} << 16U, 'f');
    off_t size = 0;
    for (;;) {
      const ssize_t written = ::write(fd, chunk.data(), chunk.size());
      if (written <= 0) break;
      size += written;
    }
    ASSERT_EQ(errno, ENOSPC);
    ASSERT_EQ(::ftruncate(fd, std::max<off_t>(0, size - static_cast<off_t>(left))), 0);
    ::close(fd);
  }
  fs::path filler() const { return storage_dir() / "filler"; }
  std::uintmax_t free_bytes() const { return fs::space(storage_dir()).available; }
  // The source's snapshot folders, temporary ones included.
  std::vector<std::string> snapshot_folders() const {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& entry :
         fs::directory_iterator(storage_dir() / "artifacts" / ns() / "repo", ec))
      names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }

  bool mounted_ = false;
};

TEST_F(StorageFaultTest, AFullDiskKeepsTheLastSnapshotThenRecovers) {
  ASSERT_NO_FATAL_FAILURE(restart_on_tmpfs());
  const std::string first = repo().commit({{"app/a.yaml", config_map_yaml("a", "1")}}, "first");
  apply(git_source_yaml("repo", "2s") + "---\n" + application_yaml("shop", "./app"));
  ASSERT_EQ(wait_ready("shop")["status"]["lastAppliedRevision"], "main@sha1:" + first);
  const std::string applied_version = get("configmap", "a")["metadata"]["resourceVersion"];
  const std::vector<std::string> good = snapshot_folders();
  ASSERT_EQ(good.size(), 1u) << "one snapshot folder for one revision";
  ASSERT_EQ(good.front().rfind(first, 0), 0u) << good.front();

  // The next revision carries 6 MiB of text: git's pack compresses it to a few KiB (the fetch
  // into the repository cache fits), its snapshot needs all of it (1 MiB is left).
  constexpr std::uintmax_t kLeft = std::uintmax_t{1} << 20U;
  ASSERT_NO_FATAL_FAILURE(fill_leaving(kLeft));
  std::string big;
  for (int i = 0; big.size() < (std::size_t{6} << 20U); ++i) big += "line of text\n";
  const std::string second = repo().commit(
      {{"app/a.yaml", config_map_yaml("a", "2")}, {"data/big.txt", big}}, "second, too big");

  Json source;
  ASSERT_TRUE(eventually(
      [&] {
        source = get("gitsources.sluice.dev", "repo");
        return string_member(condition(source, "Ready"), {"status"}) == "False";
      },
      seconds(30)))
      << source.dump(2) << op().log();
  const Json ready = condition(source, "Ready");
  EXPECT_EQ(string_member(ready, {"reason"}), "ArtifactFailed") << ready.dump();
  EXPECT_NE(string_member(ready, {"message"}).find("No space left on device"), std::string::npos)
      << ready.dump();
  std::this_thread::sleep_for(seconds(5));  // more failed attempts, one per interval
  source = get("gitsources.sluice.dev", "repo");
  EXPECT_EQ(string_member(condition(source, "Ready"), {"reason"}), "ArtifactFailed");
  // The last good revision stays current, its folder intact and alone: every failed attempt
  // removed what it had written.
  EXPECT_EQ(source["status"]["artifact"]["revision"], "main@sha1:" + first);
  // (An attempt under way has its temporary folder; between attempts there is none.)
  EXPECT_TRUE(eventually([&] { return snapshot_folders() == good; }, seconds(10)))
      << join(snapshot_folders());
  const fs::path kept = storage_dir() / "artifacts" / ns() / "repo" / good.front() / "app/a.yaml";
  EXPECT_EQ(read_text_file(kept), config_map_yaml("a", "1"));
  const Json app = get("applications.sluice.dev", "shop");
  EXPECT_EQ(app["status"]["lastAppliedRevision"], "main@sha1:" + first);
  EXPECT_EQ(get("configmap", "a")["metadata"]["resourceVersion"], applied_version)
      << "the applied object was touched";
  // Nothing written by the failed attempts stays: between attempts the space left is back.
  std::uintmax_t free_while_full = 0;
  EXPECT_TRUE(eventually(
      [&] {
        free_while_full = free_bytes();
        return free_while_full + (std::uintmax_t{64} << 10U) >= kLeft;
      },
      seconds(10)))
      << "failed snapshots left data behind: " << free_while_full << " bytes free";

  ASSERT_TRUE(fs::remove(filler()));
  const auto freed = std::chrono::steady_clock::now();
  wait_applied("shop", second);
  const double took = seconds_since(freed);
  EXPECT_EQ(get("configmap", "a")["data"]["value"], "2");
  wait_source_ready("repo");
  EXPECT_EQ(get("gitsources.sluice.dev", "repo")["status"]["artifact"]["revision"],
            "main@sha1:" + second);
  // The old snapshot is collected once the new one is current.
  ASSERT_TRUE(eventually(
      [&] {
        const auto now = snapshot_folders();
        return now.size() == 1 && now.front().rfind(second, 0) == 0;
      },
      seconds(10)))
      << join(snapshot_folders());
  std::cout << "[fault] disk full: " << free_while_full << " bytes free while the 6 MiB snapshot "
            << "failed (ArtifactFailed: " << string_member(ready, {"message"})
            << "); applied the new revision " << took << " s after space was freed\n";
}

}  // namespace
}  // namespace sluice::testing
