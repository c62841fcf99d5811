#include "server/debug_vars.h"

#include <atomic>
#include <stdexcept>

#include <gtest/gtest.h>

#include "http_test_client.h"

namespace sluice::server {
namespace {

TEST(DebugVars, SnapshotHasCmdlineProcessAndEveryVariable) {
  DebugVars vars({"sluice", "run"});
  vars.set("queues", [] { return Json{{"applications", 3}}; });
  const Json snapshot = vars.snapshot();
  EXPECT_EQ(snapshot["cmdline"], Json::array({"sluice", "run"}));
  EXPECT_EQ(snapshot["queues"]["applications"], 3);
  EXPECT_GT(snapshot["process"]["rss_bytes"].get<long long>(), 0);
  EXPECT_GE(snapshot["process"]["peak_rss_bytes"].get<long long>(),
            snapshot["process"]["rss_bytes"].get<long long>());
  EXPECT_GE(snapshot["process"]["threads"].get<long long>(), 1);
  EXPECT_TRUE(snapshot["process"]["cpu_seconds"].is_number());
}

TEST(DebugVars, SetReplacesAndAThrowingVariableShowsItsError) {
  DebugVars vars;
  vars.set("leader", [] { return Json("a"); });
  vars.set("leader", [] { return Json("b"); });
  vars.set("broken", []() -> Json { throw std::runtime_error("no informer yet"); });
  const Json snapshot = vars.snapshot();
  EXPECT_EQ(snapshot["leader"], "b");
  EXPECT_EQ(snapshot["broken"]["error"], "no informer yet");
}

TEST(DebugVars, ServedAsJsonAndReadEachTime) {
  auto vars = std::make_shared<DebugVars>();
  std::atomic<int> depth{1};
  vars->set("depth", [&depth] { return Json(depth.load()); });
  HttpServer server(HttpServer::Options{});
  mount_debug_vars(server, vars);
  server.start();
  auto response = testing::get(server.port(), "/debug/vars");
  ASSERT_EQ(response.status, 200);
  EXPECT_EQ(Json::parse(response.body)["depth"], 1);
  depth = 7;
  response = testing::get(server.port(), "/debug/vars");
  EXPECT_EQ(Json::parse(response.body)["depth"], 7);
  server.stop();
}

}  // namespace
}  // namespace sluice::server
