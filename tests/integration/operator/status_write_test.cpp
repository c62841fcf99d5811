// controller::write_status against the real apiserver: a status computed over a stale copy of
// the object (the watch cache behind the server) must not put back what that copy held.
#include <gtest/gtest.h>

#include "controller/application_reconciler.h"
#include "controller/status_patch.h"
#include "kube/config.h"
#include "operator_fixture.h"

namespace sluice::testing {
namespace {

using controller::applications;
using controller::status_of;
using controller::write_status;

class StatusWriteTest : public OperatorTest {
 protected:
  bool start_operator() const override { return false; }

  kube::Client admin() const {
    return kube::Client(kube::load_kubeconfig(env().var("KUBECONFIG")));
  }

  Json condition_named(const std::string& type) const {
    return Json{{"type", type},
                {"status", "True"},
                {"reason", "Test"},
                {"message", type},
                {"lastTransitionTime", "2026-12-07T00:00:00Z"}};
  }

  // The Application's status with `condition` added to its conditions.
  Json with_condition(const Json& object, const std::string& type) const {
    Json status = status_of(object);
    if (!status.contains("conditions")) status["conditions"] = Json::array();
    status["conditions"].push_back(condition_named(type));
    return status;
  }
};

TEST_F(StatusWriteTest, AStaleCopyIsRewrittenOverWhatTheServerHolds) {
  apply(application_yaml("shop", "./app"));
  const kube::Client client = admin();
  const Json stale = get("applications.sluice.dev", "shop");

  // Another write lands first (for the operator: its own last write, not yet seen by its watch).
  const Json first = write_status(client, applications(), stale,
                                  [&](const Json& object) { return with_condition(object, "A"); });
  EXPECT_NE(first["metadata"]["resourceVersion"], stale["metadata"]["resourceVersion"]);

  // Computed over the stale copy, B alone would replace the conditions and drop A.
  const Json second = write_status(client, applications(), stale,
                                   [&](const Json& object) { return with_condition(object, "B"); });
  const Json server = get("applications.sluice.dev", "shop");
  ASSERT_EQ(server["status"]["conditions"].size(), 2u) << server["status"].dump(2);
  EXPECT_EQ(server["status"]["conditions"][0]["type"], "A");
  EXPECT_EQ(server["status"]["conditions"][1]["type"], "B");
  EXPECT_EQ(second["metadata"]["resourceVersion"], server["metadata"]["resourceVersion"]);

  // A whole next status computed over the stale copy: its changes are made to the server's.
  Json next = status_of(stale);
  next["lastAttemptedRevision"] = "main@sha1:abc";
  write_status(client, applications(), stale, next);
  const Json after = get("applications.sluice.dev", "shop");
  EXPECT_EQ(after["status"]["conditions"].size(), 2u) << after["status"].dump(2);
  EXPECT_EQ(after["status"]["lastAttemptedRevision"], "main@sha1:abc");

  // Nothing to change: nothing sent, the copy handed back.
  const Json same = write_status(client, applications(), after, status_of(after));
  EXPECT_EQ(same["metadata"]["resourceVersion"], after["metadata"]["resourceVersion"]);
  EXPECT_EQ(get("applications.sluice.dev", "shop")["metadata"]["resourceVersion"],
            after["metadata"]["resourceVersion"]);
}

}  // namespace
}  // namespace sluice::testing
