// Watches, the reflector and informers against real kube-apiservers: the env's, and for the
// tests that must kill or reconfigure one, extra kube-apiserver processes on other 127.0.0.1
// ports that share the env's etcd under their own --etcd-prefix and reuse its certificates.
#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "core/error.h"
#include "extra_apiserver.h"
#include "kube/client.h"
#include "kube/config.h"
#include "kube/informer.h"
#include "kube/watch.h"
#include "runtime/abort_source.h"
#include "runtime/fiber_pool.h"
#include "test_env.h"

namespace sluice::testing {
namespace {

using kube::Client;
using kube::InformerEvent;
using kube::WatchEventType;
using std::chrono::milliseconds;
using std::chrono::seconds;

Json config_map(const std::string& name, const std::string& value, const Json& labels = {}) {
  Json object = {{"apiVersion", "v1"},
                 {"kind", "ConfigMap"},
                 {"metadata", {{"name", name}}},
                 {"data", {{"value", value}}}};
  if (!labels.is_null()) object["metadata"]["labels"] = labels;
  return object;
}

std::string version_of(const Json& object) {
  return object["metadata"]["resourceVersion"].get<std::string>();
}

kube::ClientOptions unlimited() {
  kube::ClientOptions options;
  options.qps = 0;  // tests create thousands of objects
  return options;
}

// An informer running on its own thread, with every event it delivers recorded as
// "ADDED a=1" / "UPDATED a=1->2" / "DELETED a".
class RunningInformer {
 public:
  RunningInformer(const Client& client, const std::string& ns, kube::InformerOptions options = {})
      : informer_(client, kube::configmaps(), ns, with_error_hook(std::move(options))) {
    runner_ = std::thread([this] { informer_.run(abort_); });
    consumer_ = std::thread([this] {
      while (auto event = informer_.events()->receive()) {
        const std::lock_guard lock(mu_);
        seen_.push_back(describe(*event));
      }
    });
  }
  ~RunningInformer() { stop(); }
  RunningInformer(const RunningInformer&) = delete;
  RunningInformer& operator=(const RunningInformer&) = delete;

  void stop() {
    abort_.request_abort("test over");
    if (runner_.joinable()) runner_.join();
    if (consumer_.joinable()) consumer_.join();
  }

  kube::Informer& informer() { return informer_; }
  std::vector<std::string> seen() const {
    const std::lock_guard lock(mu_);
    return seen_;
  }
  std::size_t seen_count() const { return seen().size(); }
  std::vector<Error> errors() const {
    const std::lock_guard lock(mu_);
    return errors_;
  }

 private:
  kube::InformerOptions with_error_hook(kube::InformerOptions options) {
    options.reflector.on_error = [this](const Error& e) {
      const std::lock_guard lock(mu_);
      errors_.push_back(e);
    };
    return options;
  }
  static std::string value_of(const Json& object) {
    return object["data"]["value"].get<std::string>();
  }
  static std::string describe(const InformerEvent& event) {
    switch (event.type) {
      case InformerEvent::Type::kAdded:
        return "ADDED " + event.new_object["metadata"]["name"].get<std::string>() + "=" +
               value_of(event.new_object);
      case InformerEvent::Type::kUpdated:
        return "UPDATED " + event.new_object["metadata"]["name"].get<std::string>() + "=" +
               value_of(event.old_object) + "->" + value_of(event.new_object);
      case InformerEvent::Type::kDeleted:
        return "DELETED " + event.old_object["metadata"]["name"].get<std::string>();
    }
    return "?";
  }

  runtime::AbortSource abort_;
  mutable std::mutex mu_;
  std::vector<std::string> seen_;
  std::vector<Error> errors_;
  kube::Informer informer_;
  std::thread runner_;
  std::thread consumer_;
};

class KubeWatchTest : public EnvTest {
 protected:
  Client admin() const {
    return Client(kube::load_kubeconfig(env().var("KUBECONFIG")), unlimited());
  }
};

TEST_F(KubeWatchTest, WatchDeliversAddedModifiedDeletedInOrder) {
  const Client client = admin();
  const std::string start = client.list(kube::configmaps(), ns()).resource_version;
  kube::WatchOptions options;
  options.resource_version = start;
  options.timeout = seconds(60);
  kube::WatchStream stream = client.watch(kube::configmaps(), ns(), options);

  const Json created = client.create(kube::configmaps(), ns(), config_map("w", "1"));
  const Json patched =
      client.merge_patch(kube::configmaps(), ns(), "w", {{"data", {{"value", "2"}}}});
  client.remove(kube::configmaps(), ns(), "w");

  runtime::AbortSource abort;
  std::vector<std::pair<WatchEventType, std::string>> got;
  while (got.size() < 3) {
    auto event = stream.next(abort);
    ASSERT_TRUE(event) << "watch ended early";
    if (event->type == WatchEventType::kBookmark) continue;
    got.emplace_back(event->type, event->object["data"]["value"].get<std::string>());
    if (got.size() == 1) {
      EXPECT_EQ(event->resource_version(), version_of(created));
    } else if (got.size() == 2) {
      EXPECT_EQ(event->resource_version(), version_of(patched));
    }
  }
  EXPECT_EQ(got,
            (std::vector<std::pair<WatchEventType, std::string>>{{WatchEventType::kAdded, "1"},
                                                                 {WatchEventType::kModified, "2"},
                                                                 {WatchEventType::kDeleted, "2"}}));
}

TEST_F(KubeWatchTest, BookmarksArriveAndTheServerEndsTheWatchAfterTimeoutSeconds) {
  const Client client = admin();
  const std::string start = client.list(kube::configmaps(), ns()).resource_version;
  kube::WatchOptions options;
  options.resource_version = start;
  options.label_selector = "matches=nothing";
  options.timeout = seconds(6);
  kube::WatchStream stream = client.watch(kube::configmaps(), ns(), options);
  // Writes the selector hides move the resourceVersion on, so the server has something to
  // bookmark (it sends one about two seconds before the watch's deadline).
  std::atomic<bool> writing{true};
  std::atomic<long long> last_hidden{0};
  std::thread writer([&] {
    try {
      for (int i = 0; writing; ++i) {
        const Json hidden =
            client.create(kube::configmaps(), ns(), config_map("hidden-" + std::to_string(i), "x"));
        last_hidden = std::stoll(version_of(hidden));
        std::this_thread::sleep_for(milliseconds(300));
      }
    } catch (const Error& e) {
      ADD_FAILURE() << e.what();
    }
  });

  runtime::AbortSource abort;
  const auto began = std::chrono::steady_clock::now();
  std::vector<kube::WatchEvent> events;
  try {
    while (auto event = stream.next(abort)) events.push_back(std::move(*event));
  } catch (const Error& e) {
    ADD_FAILURE() << e.what();
  }
  const auto took = std::chrono::steady_clock::now() - began;
  writing = false;
  writer.join();
  ASSERT_FALSE(events.empty()) << "no bookmark before the watch ended";
  for (const auto& event : events) EXPECT_EQ(event.type, WatchEventType::kBookmark);
  EXPECT_GT(std::stoll(events.back().resource_version()), std::stoll(start));
  EXPECT_LE(std::stoll(events.back().resource_version()), last_hidden.load());
  EXPECT_GE(took, seconds(4));
  EXPECT_LT(took, seconds(20));
}

TEST_F(KubeWatchTest, ListAllPaginatesOver2000Objects) {
  const Client client = admin();
  constexpr int kCount = 2000;
  {
    runtime::FiberPool pool(2);
    std::vector<boost::fibers::future<void>> done;
    constexpr int kFibers = 16;
    for (int f = 0; f < kFibers; ++f) {
      done.push_back(pool.submit([&client, this, f] {
        for (int i = f; i < kCount; i += kFibers) {
          client.create(kube::configmaps(), ns(), config_map("cm-" + std::to_string(i), "v"));
        }
      }));
    }
    for (auto& d : done) d.get();
  }
  std::multiset<std::string> names;
  int pages = 0;
  kube::ListOptions options;
  options.limit = 500;
  for (;;) {
    kube::ListPage page = client.list(kube::configmaps(), ns(), options);
    ++pages;
    EXPECT_LE(page.items.size(), 500u);
    for (const auto& item : page.items) names.insert(item["metadata"]["name"].get<std::string>());
    if (page.continue_token.empty()) break;
    options.continue_token = page.continue_token;
  }
  EXPECT_GE(pages, 4);
  const auto all = client.list_all(kube::configmaps(), ns(), {}, 500);
  // Ours come back, next to the kube-root-ca.crt kube-controller-manager publishes in every
  // namespace (there by now unless the controller lags seconds behind).
  const std::size_t published = names.count("kube-root-ca.crt");
  EXPECT_LE(published, 1u);
  EXPECT_EQ(all.size(), kCount + published);
  EXPECT_EQ(names.size(), kCount + published);
  for (int i = 0; i < kCount; ++i) {
    EXPECT_EQ(names.count("cm-" + std::to_string(i)), 1u) << i;
  }
}

TEST_F(KubeWatchTest, InformerSyncsThenReportsAddUpdateDelete) {
  const Client client = admin();
  client.create(kube::configmaps(), ns(), config_map("a", "1", {{"app", "x"}}));
  client.create(kube::configmaps(), ns(), config_map("b", "1", {{"app", "x"}}));
  client.create(kube::configmaps(), ns(), config_map("other", "1", {{"app", "y"}}));
  kube::InformerOptions options;
  options.label_selector = "app=x";
  RunningInformer running(client, ns(), options);
  runtime::AbortSource abort;
  running.informer().wait_for_sync(abort);
  EXPECT_TRUE(running.informer().has_synced());
  EXPECT_EQ(running.informer().size(), 2u);
  const auto a = running.informer().get(ns(), "a");
  ASSERT_TRUE(a);
  EXPECT_EQ((*a)["data"]["value"], "1");
  EXPECT_FALSE(a->at("metadata").contains("managedFields"));
  EXPECT_FALSE(running.informer().get(ns(), "other"));

  client.create(kube::configmaps(), ns(), config_map("c", "1", {{"app", "x"}}));
  client.merge_patch(kube::configmaps(), ns(), "a", {{"data", {{"value", "2"}}}});
  client.remove(kube::configmaps(), ns(), "b");
  client.merge_patch(kube::configmaps(), ns(), "other", {{"data", {{"value", "2"}}}});
  ASSERT_TRUE(eventually([&] { return running.seen_count() >= 5; }));
  std::this_thread::sleep_for(milliseconds(300));  // nothing more may come
  const auto seen = running.seen();
  ASSERT_EQ(seen.size(), 5u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.begin() + 2),
            (std::set<std::string>{"ADDED a=1", "ADDED b=1"}));
  EXPECT_EQ(std::vector<std::string>(seen.begin() + 2, seen.end()),
            (std::vector<std::string>{"ADDED c=1", "UPDATED a=1->2", "DELETED b"}));
  EXPECT_EQ(running.informer().size(), 2u);
  EXPECT_EQ((*running.informer().get(ns(), "a"))["data"]["value"], "2");
  EXPECT_EQ(running.informer().reflector().lists(), 1u);
  EXPECT_TRUE(running.errors().empty());
  // An idle watch (minutes of server-side timeout left) ends at once on abort.
  const auto asked = std::chrono::steady_clock::now();
  running.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - asked, seconds(2));
  EXPECT_TRUE(running.informer().events()->is_closed());
}

// Everything an informer waits for (list answers, watch events, backoff) suspends only its
// fiber: with one pool thread, another fiber still runs next to it.
TEST_F(KubeWatchTest, InformerRunsAsAFiberWithoutBlockingItsThread) {
  const Client client = admin();
  client.create(kube::configmaps(), ns(), config_map("a", "1"));
  kube::InformerOptions options;
  options.events = false;
  kube::Informer informer(client, kube::configmaps(), ns(), options);
  runtime::AbortSource abort;
  runtime::FiberPool pool(1);
  auto running = pool.submit([&] { informer.run(abort); });
  auto checked = pool.submit([&] {
    informer.wait_for_sync(abort);
    client.create(kube::configmaps(), ns(), config_map("b", "1"));
    while (!informer.get(ns(), "b")) runtime::sleep_for(milliseconds(10), abort);
    return static_cast<bool>(informer.get(ns(), "a"));
  });
  EXPECT_TRUE(checked.get());
  abort.request_abort("test over");
  running.get();
}

// The env apiserver's watch cache holds every event since it started, so an old
// resourceVersion is still served there. An apiserver without a watch cache reads etcd
// directly, and etcd refuses revisions below its compaction with 410.
TEST_F(KubeWatchTest, TooOldResourceVersionGivesGoneAndTheReflectorRelists) {
  ExtraApiServer server(env(), "/sluice-gone-" + ns(), {"--watch-cache=false"});
  server.start();
  const Client client(server.config(), unlimited());
  client.create(kube::namespaces(), "", {{"metadata", {{"name", ns()}}}});
  const Json first = client.create(kube::configmaps(), ns(), config_map("a", "1"));
  const std::string old_version = version_of(first);
  Json last;
  for (int i = 2; i <= 20; ++i) {
    last = client.merge_patch(kube::configmaps(), ns(), "a",
                              {{"data", {{"value", std::to_string(i)}}}});
  }
  client.create(kube::configmaps(), ns(), config_map("b", "1"));
  // Compact etcd up to the last write (etcd's JSON gateway, on the env's 127.0.0.1 etcd).
  const auto ports = read_env_ports(env().var("SLUICE_ENV_DIR"));
  const ProcessResult compacted =
      run_process({"curl", "-sf", "-X", "POST",
                   "http://127.0.0.1:" + ports.at("ETCD_CLIENT_PORT") + "/v3/kv/compaction", "-d",
                   R"({"revision":")" + version_of(last) + R"(","physical":true})"});
  ASSERT_EQ(compacted.exit_code, 0) << compacted.err;

  kube::WatchOptions options;
  options.resource_version = old_version;
  options.timeout = seconds(30);
  kube::WatchStream stream = client.watch(kube::configmaps(), ns(), options);
  runtime::AbortSource abort;
  try {
    stream.next(abort);
    FAIL() << "a compacted resourceVersion was served";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kGone) << e.what();
  }

  kube::InformerOptions informer_options;
  informer_options.reflector.resume_from = old_version;
  RunningInformer running(client, ns(), informer_options);
  running.informer().wait_for_sync(abort);
  ASSERT_FALSE(running.errors().empty());
  EXPECT_EQ(running.errors().front().code(), ErrorCode::kGone);
  EXPECT_EQ(running.informer().reflector().lists(), 1u);
  EXPECT_EQ(running.informer().size(), 2u);
  EXPECT_EQ((*running.informer().get(ns(), "a"))["data"]["value"], "20");
  // The informer watches on from the relist.
  client.create(kube::configmaps(), ns(), config_map("c", "1"));
  ASSERT_TRUE(eventually([&] { return running.informer().get(ns(), "c").has_value(); }));
}

// The informer watches apiserver P; P is killed mid-watch; changes are made through Q (same
// etcd prefix) while P is down; P comes back on the same port. The informer must resume from
// its last resourceVersion (P runs without a watch cache, so the old version is served from
// etcd: no relist) and see each change exactly once.
TEST_F(KubeWatchTest, WatchResumesAfterTheApiserverIsRestarted) {
  const std::string prefix = "/sluice-restart-" + ns();
  ExtraApiServer watched(env(), prefix, {"--watch-cache=false"});
  ExtraApiServer writer(env(), prefix);
  watched.start();
  writer.start();
  const Client write(writer.config(), unlimited());
  write.create(kube::namespaces(), "", {{"metadata", {{"name", ns()}}}});
  write.create(kube::configmaps(), ns(), config_map("a", "1"));
  write.create(kube::configmaps(), ns(), config_map("b", "1"));

  kube::InformerOptions options;
  options.reflector.backoff = {
      .base = milliseconds(200), .factor = 2.0, .max = seconds(2), .jitter = 0.2};
  RunningInformer running(Client(watched.config(), unlimited()), ns(), options);
  runtime::AbortSource abort;
  running.informer().wait_for_sync(abort);
  write.create(kube::configmaps(), ns(), config_map("before", "1"));
  ASSERT_TRUE(eventually([&] { return running.seen_count() == 3; }));

  watched.kill();
  ASSERT_TRUE(eventually([&] { return !running.errors().empty(); }))
      << "the informer did not notice the apiserver going away";
  write.create(kube::configmaps(), ns(), config_map("c", "1"));
  write.merge_patch(kube::configmaps(), ns(), "a", {{"data", {{"value", "2"}}}});
  write.remove(kube::configmaps(), ns(), "b");
  std::this_thread::sleep_for(seconds(1));  // the informer keeps failing meanwhile
  EXPECT_EQ(running.seen_count(), 3u);

  watched.start();
  ASSERT_TRUE(eventually([&] { return running.seen_count() >= 6; }, seconds(60)));
  write.merge_patch(kube::configmaps(), ns(), "c", {{"data", {{"value", "2"}}}});
  ASSERT_TRUE(eventually([&] { return running.seen_count() >= 7; }));
  std::this_thread::sleep_for(milliseconds(300));
  const auto seen = running.seen();
  ASSERT_EQ(seen.size(), 7u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.begin() + 2),
            (std::set<std::string>{"ADDED a=1", "ADDED b=1"}));
  EXPECT_EQ(std::vector<std::string>(seen.begin() + 2, seen.end()),
            (std::vector<std::string>{"ADDED before=1", "ADDED c=1", "UPDATED a=1->2", "DELETED b",
                                      "UPDATED c=1->2"}));
  EXPECT_EQ(running.informer().reflector().lists(), 1u) << "resumed by relisting";
  EXPECT_GE(running.informer().reflector().watches(), 2u);
  for (const auto& e : running.errors()) EXPECT_NE(e.code(), ErrorCode::kGone) << e.what();
  running.stop();
}

}  // namespace
}  // namespace sluice::testing
