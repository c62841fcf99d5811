#include "cli/get_command.h"

#include <gtest/gtest.h>

#include "cli/reconcile_command.h"
#include "cli_test_support.h"

namespace sluice::cli {
namespace {

using Args = std::vector<std::string>;

const auto kNow = std::chrono::system_clock::from_time_t(1767323045);  // 2026-01-02T03:04:05Z

ErrorCode code_of(const std::function<void()>& parse) {
  try {
    parse();
  } catch (const Error& e) {
    return e.code();
  }
  ADD_FAILURE() << "no error";
  return ErrorCode::kInternal;
}

TEST(GetArgsTest, KindNameAndFlags) {
  const GetArgs args =
      parse_get_args(Args{"app", "shop", "-n", "team", "-w", "--kubeconfig", "/k"});
  EXPECT_EQ(args.kind->kind, ObjectKind::kApplication);
  EXPECT_EQ(args.name, "shop");
  EXPECT_EQ(args.cluster.ns, "team");
  EXPECT_EQ(args.cluster.kubeconfig, "/k");
  EXPECT_TRUE(args.watch);
  EXPECT_FALSE(args.all_namespaces);

  const GetArgs all = parse_get_args(Args{"--all-namespaces", "sources", "--watch=false"});
  EXPECT_EQ(all.kind->kind, ObjectKind::kGitSource);
  EXPECT_TRUE(all.name.empty());
  EXPECT_TRUE(all.all_namespaces);
  EXPECT_FALSE(all.watch);
}

TEST(GetArgsTest, RefusesWrongLines) {
  for (const Args& line : {Args{}, Args{"pods"}, Args{"apps", "a", "b"},
                           Args{"apps", "-A", "-n", "shop"}, Args{"apps", "--namespace=x", "-A"},
                           Args{"apps", "shop", "-A"}, Args{"apps", "--output", "json"},
                           Args{"apps", "-o", "json"}, Args{"apps", "--watch=maybe"}}) {
    EXPECT_EQ(code_of([&] { parse_get_args(line); }), ErrorCode::kInvalidArgument)
        << ::testing::PrintToString(line);
  }
  // Cluster-scoped policies may be named with -A (it means nothing for them).
  EXPECT_EQ(parse_get_args(Args{"policy", "strict", "-A"}).name, "strict");
}

TEST(GetArgsTest, UsageErrorsExitWithTwo) {
  for (const Args& line : {Args{}, Args{"apps", "-A", "-n", "shop"}, Args{"deployments"}}) {
    const CliResult result = run_sluice_command("get", line);
    EXPECT_EQ(result.code, kExitUsage) << result.err;
    EXPECT_EQ(result.err.rfind("Error: ", 0), 0U) << result.err;
  }
}

Json application(const std::string& ns, const std::string& name) {
  return Json::parse(R"({
    "apiVersion": "sluice.dev/v1alpha1", "kind": "Application",
    "metadata": {"name": ")" +
                     name + R"(", "namespace": ")" + ns + R"(",
                 "creationTimestamp": "2026-01-02T02:59:05Z"},
    "spec": {"sourceRef": {"name": "repo"}, "suspend": true},
    "status": {"lastAppliedRevision": "main@sha1:4f2c",
               "conditions": [{"type": "Reconciling", "status": "True"},
                              {"type": "Ready", "status": "False", "reason": "BuildFailed",
                               "message": "kustomization.yaml:\nmissing.yaml not found"}]}
  })");
}

TEST(TableRowsTest, ApplicationColumns) {
  EXPECT_EQ(table_header(parse_kind("apps"), false),
            (Args{"NAME", "READY", "REVISION", "SUSPENDED", "AGE", "MESSAGE"}));
  EXPECT_EQ(table_row(parse_kind("apps"), application("shop", "web"), false, kNow),
            (Args{"web", "False", "main@sha1:4f2c", "True", "5m",
                  "kustomization.yaml: missing.yaml not found"}));
  EXPECT_EQ(table_header(parse_kind("apps"), true).front(), "NAMESPACE");
  EXPECT_EQ(table_row(parse_kind("apps"), application("shop", "web"), true, kNow).front(), "shop");
}

TEST(TableRowsTest, ANewObjectHasUnknownReadinessAndEmptyCells) {
  const Json fresh = Json::parse(
      R"({"metadata": {"name": "repo", "namespace": "shop",
                       "creationTimestamp": "2026-01-02T03:04:00Z"}, "spec": {}})");
  EXPECT_EQ(table_row(parse_kind("sources"), fresh, false, kNow),
            (Args{"repo", "Unknown", "", "False", "5s", ""}));
}

TEST(TableRowsTest, SourceRevisionComesFromTheArtifact) {
  const Json source = Json::parse(R"({
    "metadata": {"name": "repo", "namespace": "shop", "creationTimestamp": "2025-12-30T03:04:05Z"},
    "spec": {"suspend": false},
    "status": {"artifact": {"revision": "main@sha1:abc"},
               "conditions": [{"type": "Ready", "status": "True", "reason": "ArtifactStored",
                               "message": "stored artifact for revision 'main@sha1:abc'"}]}})");
  EXPECT_EQ(table_row(parse_kind("sources"), source, false, kNow),
            (Args{"repo", "True", "main@sha1:abc", "False", "3d",
                  "stored artifact for revision 'main@sha1:abc'"}));
}

TEST(TableRowsTest, PoliciesHaveAModeAndNoNamespace) {
  const KindInfo& policies = parse_kind("policies");
  EXPECT_EQ(table_header(policies, true), (Args{"NAME", "MODE", "READY", "AGE", "MESSAGE"}));
  const Json audit = Json::parse(R"j({
    "metadata": {"name": "audit", "creationTimestamp": "2026-01-02T01:04:05Z"},
    "spec": {"mode": "Audit"},
    "status": {"conditions": [{"type": "Ready", "status": "True", "message": "policy is valid (Audit)"}]}})j");
  EXPECT_EQ(table_row(policies, audit, true, kNow),
            (Args{"audit", "Audit", "True", "120m", "policy is valid (Audit)"}));
  const Json bare = Json::parse(R"({"metadata": {"name": "bare"}, "spec": {}})");
  EXPECT_EQ(table_row(policies, bare, false, kNow),
            (Args{"bare", "Enforce", "Unknown", "<unknown>", ""}));
}

TEST(TableRowsTest, RenderedTable) {
  EXPECT_EQ(render_table(parse_kind("apps"), {application("shop", "web"), application("shop", "a")},
                         true, kNow),
            "NAMESPACE   NAME   READY   REVISION         SUSPENDED   AGE   MESSAGE\n"
            "shop        web    False   main@sha1:4f2c   True        5m    kustomization.yaml: "
            "missing.yaml not found\n"
            "shop        a      False   main@sha1:4f2c   True        5m    kustomization.yaml: "
            "missing.yaml not found\n");
}

TEST(ObjectArgsTest, ReconcileSuspendResume) {
  const ObjectArgs reconcile =
      parse_object_args(ObjectAction::kReconcile,
                        Args{"app", "shop", "-n", "team", "--with-source", "--timeout", "90s"});
  EXPECT_EQ(reconcile.kind->kind, ObjectKind::kApplication);
  EXPECT_EQ(reconcile.name, "shop");
  EXPECT_EQ(reconcile.cluster.ns, "team");
  EXPECT_TRUE(reconcile.with_source);
  EXPECT_EQ(reconcile.timeout, std::chrono::seconds(90));
  EXPECT_EQ(parse_object_args(ObjectAction::kReconcile, Args{"source", "repo"}).timeout,
            std::chrono::minutes(5));
  EXPECT_EQ(parse_object_args(ObjectAction::kSuspend, Args{"gitsource", "repo"}).kind->kind,
            ObjectKind::kGitSource);
  EXPECT_EQ(parse_object_args(ObjectAction::kResume, Args{"app", "x", "--timeout=1m"}).timeout,
            std::chrono::minutes(1));
}

TEST(ObjectArgsTest, RefusesWrongLines) {
  const std::pair<ObjectAction, Args> cases[] = {
      {ObjectAction::kReconcile, Args{}},
      {ObjectAction::kReconcile, Args{"app"}},
      {ObjectAction::kReconcile, Args{"app", "a", "b"}},
      {ObjectAction::kReconcile, Args{"policy", "strict"}},
      {ObjectAction::kReconcile, Args{"source", "repo", "--with-source"}},
      {ObjectAction::kReconcile, Args{"app", "shop", "--timeout", "0s"}},
      {ObjectAction::kReconcile, Args{"app", "shop", "--timeout", "soon"}},
      {ObjectAction::kReconcile, Args{"app", "shop", "-A"}},
      {ObjectAction::kSuspend, Args{"app", "shop", "--timeout", "1m"}},
      {ObjectAction::kSuspend, Args{"app", "shop", "--with-source"}},
      {ObjectAction::kResume, Args{"app", "shop", "--with-source"}},
      {ObjectAction::kResume, Args{"policies", "x"}},
  };
  for (const auto& entry : cases) {
    EXPECT_EQ(code_of([&] { parse_object_args(entry.first, entry.second); }),
              ErrorCode::kInvalidArgument)
        << ::testing::PrintToString(entry.second);
  }
  const CliResult result = run_sluice_command("reconcile", {"policy", "strict"});
  EXPECT_EQ(result.code, kExitUsage);
  EXPECT_EQ(result.err, "Error: reconcile works on apps and sources, not on policies\n");
}

}  // namespace
}  // namespace sluice::cli
