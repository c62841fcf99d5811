#include "policy/verdict.h"

#include <gtest/gtest.h>

namespace sluice::policy {
namespace {

Violation violation(Mode mode, std::string_view rule, std::string object) {
  return Violation{"p", mode, std::string(rule), std::move(object), "message"};
}

TEST(Verdict, EmptyIsAllowed) {
  const Verdict verdict;
  EXPECT_TRUE(verdict.allowed);
  EXPECT_EQ(verdict.blocking_count(), 0U);
  EXPECT_EQ(verdict.summary(), "allowed");
}

TEST(Verdict, EnforceViolationsBlock) {
  Verdict verdict;
  verdict.add(violation(Mode::kEnforce, reason::kKindDenied, "Secret/shop/x"));
  EXPECT_FALSE(verdict.allowed);
  EXPECT_EQ(verdict.blocking_count(), 1U);
  EXPECT_EQ(verdict.summary(), "blocked: 1 violation (KindDenied Secret/shop/x)");
}

TEST(Verdict, AuditViolationsAreReportedButAllowed) {
  Verdict verdict;
  verdict.add(violation(Mode::kAudit, reason::kHostNetwork, "Pod/shop/a"));
  verdict.add(violation(Mode::kAudit, reason::kHostNetwork, "Pod/shop/b"));
  EXPECT_TRUE(verdict.allowed);
  EXPECT_EQ(verdict.violations.size(), 2U);
  EXPECT_EQ(verdict.summary(),
            "allowed; 2 violations reported by Audit policies (HostNetwork Pod/shop/a; HostNetwork "
            "Pod/shop/b)");
}

TEST(Verdict, SummaryListsThreeAndCountsTheRest) {
  Verdict verdict;
  for (int i = 0; i < 5; ++i) {
    verdict.add(
        violation(Mode::kEnforce, reason::kLabelMissing, "ConfigMap/c" + std::to_string(i)));
  }
  verdict.add(violation(Mode::kAudit, reason::kCommitUnsigned, "commit main@sha1:1"));
  EXPECT_FALSE(verdict.allowed);
  EXPECT_EQ(verdict.blocking_count(), 5U);
  EXPECT_EQ(verdict.summary(),
            "blocked: 5 violations (LabelMissing ConfigMap/c0; LabelMissing ConfigMap/c1; "
            "LabelMissing ConfigMap/c2; and 2 more); 1 violation reported by Audit policies "
            "(CommitUnsigned commit main@sha1:1)");
}

TEST(Violation, BlockingFollowsMode) {
  EXPECT_TRUE(violation(Mode::kEnforce, reason::kHostPathVolume, "x").blocking());
  EXPECT_FALSE(violation(Mode::kAudit, reason::kHostPathVolume, "x").blocking());
  EXPECT_EQ(to_string(Mode::kEnforce), "Enforce");
  EXPECT_EQ(to_string(Mode::kAudit), "Audit");
}

}  // namespace
}  // namespace sluice::policy
