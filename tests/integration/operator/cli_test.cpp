// The cluster-facing CLI (`sluice get`, `reconcile`, `suspend`, `resume`) run as the real
// binary against the real API server, with the real operator reconciling what it asks for.
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <gtest/gtest.h>
#include <signal.h>

#include "manifests.h"
#include "operator_fixture.h"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

std::string revision_of(const std::string& sha) {
  return "main@sha1:" + sha;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> words_of(const std::string& line) {
  std::vector<std::string> words;
  std::istringstream in(line);
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

// The line of `table` whose cell in the column headed `column` is `value`; "" when none.
std::string row_where(const std::string& table, const std::string& column,
                      const std::string& value) {
  const std::vector<std::string> lines = lines_of(table);
  if (lines.empty()) return "";
  const std::vector<std::string> header = words_of(lines.front());
  const auto at = std::find(header.begin(), header.end(), column);
  if (at == header.end()) return "";
  const auto index = static_cast<std::size_t>(at - header.begin());
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const std::vector<std::string> words = words_of(lines[i]);
    if (words.size() > index && words[index] == value) return lines[i];
  }
  return "";
}

// The text of `row` under the header's `column` up to the next column (the last one: to the
// end), trimmed: checks that cells line up with their headers, as kubectl aligns them.
std::string cell(const std::string& table, const std::string& row, const std::string& column) {
  const std::string header = lines_of(table).front();
  std::size_t start = 0;
  for (;;) {
    start = header.find(column, start);
    if (start == std::string::npos) return "<no column " + column + ">";
    const std::size_t after = start + column.size();
    if ((start == 0 || header[start - 1] == ' ') &&
        (after == header.size() || header[after] == ' ')) {
      break;
    }
    start = after;
  }
  if (start > row.size()) return "";
  const std::size_t end = header.find_first_not_of(' ', header.find(' ', start));
  std::string text = row.substr(start, end == std::string::npos ? std::string::npos : end - start);
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

class CliTest : public OperatorTest {
 protected:
  // `sluice ARGS... --kubeconfig ADMIN`, the binary users run.
  ProcessResult sluice(std::vector<std::string> args,
                       std::chrono::milliseconds timeout = std::chrono::minutes(2)) const {
    args.insert(args.begin(), std::string(SLUICE_BINARY_DIR) + "/bin/sluice");
    args.insert(args.end(), {"--kubeconfig", env().var("KUBECONFIG")});
    return run_process(args, ProcessOptions().set_timeout(timeout));
  }

  // A GitSource (polling every `interval`) and an Application "shop" on ./app, Ready.
  Json deploy(const std::string& interval = "2s") {
    apply(git_source_yaml("repo", interval) + "---\n" + application_yaml("shop", "./app"));
    return wait_ready("shop");
  }

  std::string source_revision() const {
    return string_member(get("gitsources.sluice.dev", "repo"), {"status", "artifact", "revision"});
  }

  // The operator's count of Application reconciles that ended with `result`.
  double reconciles(const std::string& result) {
    const std::string metrics = op().get(op().metrics_port(), "/metrics").second;
    const std::regex line(R"(sluice_reconcile_total\{[^}]*kind="Application"[^}]*result=")" +
                          result + R"("[^}]*\} ([0-9.e+]+))");
    std::smatch match;
    return std::regex_search(metrics, match, line) ? std::stod(match[1]) : 0;
  }
};

TEST_F(CliTest, GetPrintsAppsAndSourcesWithTheirStatus) {
  const std::string sha = repo().commit({{"app/a.yaml", config_map_yaml("a", "1")}}, "first");
  const Json app = deploy();
  const std::string ready_message = string_member(condition(app, "Ready"), {"message"});

  const ProcessResult apps = sluice({"get", "apps", "-n", ns()});
  ASSERT_EQ(apps.exit_code, 0) << apps.err;
  EXPECT_EQ(words_of(lines_of(apps.out).front()),
            (std::vector<std::string>{"NAME", "READY", "REVISION", "SUSPENDED", "AGE", "MESSAGE"}))
      << apps.out;
  ASSERT_EQ(lines_of(apps.out).size(), 2U) << apps.out;
  const std::string row = lines_of(apps.out)[1];
  EXPECT_EQ(cell(apps.out, row, "NAME"), "shop") << apps.out;
  EXPECT_EQ(cell(apps.out, row, "READY"), "True") << apps.out;
  EXPECT_EQ(cell(apps.out, row, "REVISION"), revision_of(sha)) << apps.out;
  EXPECT_EQ(cell(apps.out, row, "SUSPENDED"), "False") << apps.out;
  EXPECT_TRUE(std::regex_match(cell(apps.out, row, "AGE"), std::regex("[0-9]+(s|m[0-9]*s?)")))
      << apps.out;
  EXPECT_FALSE(ready_message.empty());
  EXPECT_EQ(cell(apps.out, row, "MESSAGE"), ready_message) << apps.out;

  const ProcessResult sources = sluice({"get", "sources", "--namespace", ns()});
  ASSERT_EQ(sources.exit_code, 0) << sources.err;
  const std::string source_row = row_where(sources.out, "NAME", "repo");
  EXPECT_EQ(cell(sources.out, source_row, "READY"), "True") << sources.out;
  EXPECT_EQ(cell(sources.out, source_row, "REVISION"), revision_of(sha)) << sources.out;
  EXPECT_EQ(cell(sources.out, source_row, "MESSAGE"),
            "stored artifact for revision '" + revision_of(sha) + "'")
      << sources.out;

  // One by name, singular kinds.
  const ProcessResult one = sluice({"get", "application", "shop", "-n", ns()});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_EQ(one.out, apps.out.substr(0, apps.out.find('\n') + 1) + lines_of(one.out)[1] + "\n");
  EXPECT_EQ(cell(one.out, lines_of(one.out)[1], "NAME"), "shop");

  // Every namespace: a leading NAMESPACE column (other tests' objects may be listed too).
  const ProcessResult all = sluice({"get", "apps", "-A"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_EQ(words_of(lines_of(all.out).front()).front(), "NAMESPACE") << all.out;
  const std::string all_row = row_where(all.out, "NAMESPACE", ns());
  EXPECT_EQ(cell(all.out, all_row, "NAME"), "shop") << all.out;
  EXPECT_EQ(cell(all.out, all_row, "REVISION"), revision_of(sha)) << all.out;
}

TEST_F(CliTest, GetSaysWhatIsMissing) {
  const ProcessResult missing = sluice({"get", "app", "nope", "-n", ns()});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.err, "Error: application \"nope\" not found in namespace \"" + ns() + "\"\n");
  EXPECT_EQ(missing.out, "");

  const ProcessResult none = sluice({"get", "sources", "-n", ns()});
  EXPECT_EQ(none.exit_code, 0);
  EXPECT_EQ(none.err, "No resources found in " + ns() + " namespace.\n");
  EXPECT_EQ(none.out, "");

  const ProcessResult usage = sluice({"get", "apps", "-A", "-n", ns()});
  EXPECT_EQ(usage.exit_code, 2);
  EXPECT_EQ(usage.err.rfind("Error: ", 0), 0U) << usage.err;

  const ProcessResult policy = sluice({"get", "policy", ns() + "-nope"});
  EXPECT_EQ(policy.exit_code, 1);
  EXPECT_EQ(policy.err, "Error: signingpolicy \"" + ns() + "-nope\" not found\n");
}

TEST_F(CliTest, GetPoliciesShowsModeAndReadiness) {
  const std::string name = ns() + "-audit";
  apply("apiVersion: sluice.dev/v1alpha1\nkind: SigningPolicy\nmetadata:\n  name: " + name +
        "\nspec:\n  mode: Audit\n  match: {namespaces: [" + ns() +
        "]}\n  commits:\n    required: false\n");
  Json policy;
  const bool ready = eventually([&] {
    policy = get("signingpolicies.sluice.dev", name);
    return string_member(condition(policy, "Ready"), {"status"}) == "True";
  });
  ProcessResult policies;
  if (ready) policies = sluice({"get", "policies", "-n", "ignored-for-policies"});
  env().kubectl({"delete", "signingpolicies.sluice.dev", name, "--ignore-not-found"});
  ASSERT_TRUE(ready) << policy.dump(2) << op().log();

  ASSERT_EQ(policies.exit_code, 0) << policies.err;
  EXPECT_EQ(words_of(lines_of(policies.out).front()),
            (std::vector<std::string>{"NAME", "MODE", "READY", "AGE", "MESSAGE"}))
      << policies.out;
  const std::string row = row_where(policies.out, "NAME", name);
  EXPECT_EQ(cell(policies.out, row, "MODE"), "Audit") << policies.out;
  EXPECT_EQ(cell(policies.out, row, "READY"), "True") << policies.out;
  EXPECT_EQ(cell(policies.out, row, "MESSAGE"),
            string_member(condition(policy, "Ready"), {"message"}))
      << policies.out;
}

TEST_F(CliTest, ReconcileAppAppliesTheSourcesNewRevision) {
  repo().commit({{"app/a.yaml", config_map_yaml("a", "1")}}, "first");
  deploy();
  const std::string second = repo().commit({{"app/a.yaml", config_map_yaml("a", "2")}}, "second");
  ASSERT_TRUE(eventually([&] { return source_revision() == revision_of(second); })) << op().log();

  const ProcessResult result = sluice({"reconcile", "app", "shop", "-n", ns()});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_EQ(result.out, "► annotating Application shop in namespace " + ns() +
                            "\n✔ Application annotated\n◎ waiting for Application "
                            "reconciliation\n✔ applied revision " +
                            revision_of(second) + "\n");
  EXPECT_EQ(result.err, "");
  EXPECT_EQ(get("configmap", "a")["data"]["value"], "2");
  const Json app = get("applications.sluice.dev", "shop");
  const std::string requested =
      string_member(app, {"metadata", "annotations", "sluice.dev/reconcile-requested-at"});
  EXPECT_TRUE(std::regex_match(requested, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z)")))
      << requested;
  EXPECT_EQ(string_member(app, {"status", "lastHandledReconcileAt"}), requested);
}

TEST_F(CliTest, ReconcileWithSourceFetchesFirst) {
  repo().commit({{"app/a.yaml", config_map_yaml("a", "1")}}, "first");
  deploy("1h");  // the source polls once an hour: only the request makes it fetch
  const std::string second = repo().commit({{"app/a.yaml", config_map_yaml("a", "2")}}, "second");

  const ProcessResult result = sluice({"reconcile", "app", "shop", "-n", ns(), "--with-source"});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_EQ(result.out,
            "► annotating GitSource repo in namespace " + ns() +
                "\n✔ GitSource annotated\n◎ waiting for GitSource reconciliation\n✔ fetched "
                "revision " +
                revision_of(second) +
                "\n► annotating Application shop in "
                "namespace " +
                ns() +
                "\n✔ Application annotated\n◎ waiting for Application "
                "reconciliation\n✔ applied revision " +
                revision_of(second) + "\n");
  EXPECT_EQ(get("configmap", "a")["data"]["value"], "2");

  // A source alone.
  const std::string third = repo().commit({{"app/a.yaml", config_map_yaml("a", "3")}}, "third");
  const ProcessResult source = sluice({"reconcile", "source", "repo", "-n", ns()});
  ASSERT_EQ(source.exit_code, 0) << source.out << source.err;
  EXPECT_NE(source.out.find("✔ fetched revision " + revision_of(third) + "\n"), std::string::npos)
      << source.out;
}

TEST_F(CliTest, ReconcileOfAFailingAppExitsOneWithTheReason) {
  repo().commit({{"app/kustomization.yaml", kustomization_yaml({"missing.yaml"})}}, "broken");
  apply(git_source_yaml("repo") + "---\n" + application_yaml("shop", "./app"));
  // Ready=False comes first as ArtifactNotReady while the source fetches: wait for the build.
  wait_ready("shop", "False", seconds(60), "BuildFailed");

  const ProcessResult result = sluice({"reconcile", "app", "shop", "-n", ns()});
  EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
  EXPECT_NE(result.out.find("◎ waiting for Application reconciliation\n"), std::string::npos)
      << result.out;
  EXPECT_EQ(result.err.rfind("✗ BuildFailed: ", 0), 0U) << result.err;
  EXPECT_NE(result.err.find("missing.yaml"), std::string::npos) << result.err;
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;

  const ProcessResult gone = sluice({"reconcile", "app", "nope", "-n", ns()});
  EXPECT_EQ(gone.exit_code, 1);
  EXPECT_EQ(gone.err, "Error: application \"nope\" not found in namespace \"" + ns() + "\"\n");
}

TEST_F(CliTest, ReconcileTimesOut) {
  repo().commit({{"app/a.yaml", config_map_yaml("a", "1")}}, "first");
  deploy();
  op().stop();  // nobody answers the request now
  const ProcessResult result =
      sluice({"reconcile", "app", "shop", "-n", ns(), "--timeout", "2s"}, seconds(30));
  EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
  EXPECT_EQ(result.err, "✗ timed out waiting for Application reconciliation\n");
}

TEST_F(CliTest, SuspendHoldsNewCommitsAndResumeAppliesThem) {
  repo().commit({{"app/a.yaml", config_map_yaml("a", "1")}}, "first");
  const std::string first = revision_of(string_member(deploy(), {"status", "lastAppliedRevision"})
                                            .substr(std::string("main@sha1:").size()));

  const ProcessResult suspend = sluice({"suspend", "app", "shop", "-n", ns()});
  ASSERT_EQ(suspend.exit_code, 0) << suspend.err;
  EXPECT_EQ(suspend.out,
            "► suspending Application shop in namespace " + ns() + "\n✔ Application suspended\n");
  EXPECT_EQ(get("applications.sluice.dev", "shop")["spec"]["suspend"], true);
  const ProcessResult listed = sluice({"get", "apps", "-n", ns()});
  EXPECT_EQ(cell(listed.out, row_where(listed.out, "NAME", "shop"), "SUSPENDED"), "True")
      << listed.out;
  const ProcessResult refused = sluice({"reconcile", "app", "shop", "-n", ns()});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_EQ(refused.err, "Error: application \"shop\" is suspended; resume it first\n");

  // The suspend itself is a change the operator looks at (and skips); then a new commit is
  // fetched and handed to the Application, which skips it too.
  ASSERT_TRUE(eventually([&] { return reconciles("skipped") >= 1; })) << op().log();
  const double skipped = reconciles("skipped");
  const std::string second = repo().commit({{"app/a.yaml", config_map_yaml("a", "2")}}, "second");
  ASSERT_TRUE(eventually([&] {
    return source_revision() == revision_of(second) && reconciles("skipped") > skipped;
  })) << op().log();
  EXPECT_EQ(get("configmap", "a")["data"]["value"], "1");
  EXPECT_EQ(
      string_member(get("applications.sluice.dev", "shop"), {"status", "lastAppliedRevision"}),
      first);

  const ProcessResult resume = sluice({"resume", "app", "shop", "-n", ns()});
  ASSERT_EQ(resume.exit_code, 0) << resume.out << resume.err;
  EXPECT_EQ(resume.out, "► resuming Application shop in namespace " + ns() +
                            "\n✔ Application resumed\n◎ waiting for Application "
                            "reconciliation\n✔ applied revision " +
                            revision_of(second) + "\n");
  EXPECT_EQ(get("configmap", "a")["data"]["value"], "2");
  EXPECT_EQ(get("applications.sluice.dev", "shop")["spec"]["suspend"], false);
}

TEST_F(CliTest, GetWatchRedrawsTheTableOnEveryChange) {
  repo().commit({{"app/a.yaml", config_map_yaml("a", "1")}}, "first");
  deploy();
  const fs::path output = fs::path(SLUICE_BINARY_DIR) / "env" / ("cli-watch-" + ns() + ".log");
  fs::remove(output);
  const auto read_output = [&] {
    std::ifstream in(output);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  };
  BackgroundProcess watch({std::string(SLUICE_BINARY_DIR) + "/bin/sluice", "get", "apps", "-n",
                           ns(), "--watch", "--kubeconfig", env().var("KUBECONFIG")},
                          output.string());
  // Tables are separated by a blank line when stdout is not a terminal.
  const auto tables = [&] {
    std::vector<std::string> found;
    const std::string text = read_output();
    for (std::size_t start = 0; start < text.size();) {
      std::size_t end = text.find("\n\n", start);
      if (end == std::string::npos) end = text.size();
      found.push_back(text.substr(start, end + 1 - start));
      start = end + 2;
    }
    return found;
  };
  ASSERT_TRUE(
      eventually([&] { return !row_where(read_output(), "NAME", "shop").empty(); }, seconds(30)))
      << read_output();
  EXPECT_EQ(cell(tables().front(), row_where(tables().front(), "NAME", "shop"), "SUSPENDED"),
            "False");

  ASSERT_EQ(sluice({"suspend", "app", "shop", "-n", ns()}).exit_code, 0);
  ASSERT_TRUE(eventually(
      [&] {
        const std::vector<std::string> all = tables();
        const std::string& last = all.back();
        return all.size() >= 2 &&
               cell(last, row_where(last, "NAME", "shop"), "SUSPENDED") == "True";
      },
      seconds(30)))
      << read_output();
  const std::vector<std::string> redrawn = tables();
  EXPECT_EQ(words_of(lines_of(redrawn.back()).front()).front(), "NAME") << read_output();

  watch.signal(SIGINT);
  EXPECT_EQ(watch.wait(seconds(10)), 0) << read_output();
  fs::remove(output);
}

}  // namespace
}  // namespace sluice::testing
