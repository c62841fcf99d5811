#include "apply/result.h"

#include <gtest/gtest.h>

namespace sluice::apply {
namespace {

ObjectId id(const std::string& kind, const std::string& ns, const std::string& name) {
  return {{"", kind}, ns, name};
}

TEST(Results, SummarisesByActionAndNamesFailures) {
  Results results;
  results.objects.push_back({id("ConfigMap", "shop", "a"), "v1", Action::kCreated, {}, {}, ""});
  results.objects.push_back({id("ConfigMap", "shop", "b"), "v1", Action::kCreated, {}, {}, ""});
  results.objects.push_back({id("ConfigMap", "shop", "c"), "v1", Action::kUnchanged, {}, {}, ""});
  results.objects.push_back({id("Namespace", "", "x"),
                             "v1",
                             Action::kFailed,
                             Error(ErrorCode::kPermissionDenied, "forbidden"),
                             {},
                             ""});
  EXPECT_EQ(results.summary(), "2 created, 1 failed");
  EXPECT_EQ(results.failure_message(), "Namespace/x: forbidden");
  EXPECT_EQ(Results{}.summary(), "no changes");
  EXPECT_EQ(describe(id("ConfigMap", "shop", "a")), "ConfigMap/shop/a");
}

}  // namespace
}  // namespace sluice::apply
