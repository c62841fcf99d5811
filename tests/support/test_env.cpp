#include "test_env.h"

#include <fstream>
#include <random>

#include "core/error.h"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;

const fs::path kSourceDir = SLUICE_SOURCE_DIR;
const fs::path kEnvScripts = kSourceDir / "tests" / "env";
const fs::path kEnvFile = kSourceDir / "build" / "env" / "env.sh";

TestEnvironment* g_environment = nullptr;

// Reads env.sh exactly as a shell would, by letting bash source it and print the result.
std::map<std::string, std::string> load_env_file() {
  const ProcessResult printed =
      run_process({"bash", "-c", "set -a; . \"$1\" >/dev/null; env -0", "env", kEnvFile.string()},
                  ProcessOptions().set_timeout(std::chrono::seconds(10)));
  if (printed.exit_code != 0) throw internal_error("cannot read " + kEnvFile.string());
  std::map<std::string, std::string> all;
  std::size_t start = 0;
  while (start < printed.out.size()) {
    const auto end = printed.out.find('\0', start);
    const std::string entry = printed.out.substr(start, end - start);
    const auto eq = entry.find('=');
    if (eq != std::string::npos) all[entry.substr(0, eq)] = entry.substr(eq + 1);
    start = end == std::string::npos ? printed.out.size() : end + 1;
  }
  // Keep only what env.sh set, not the whole inherited environment.
  std::map<std::string, std::string> vars;
  std::ifstream file(kEnvFile);
  for (std::string line; std::getline(file, line);) {
    const auto export_at = line.find("export ");
    if (export_at == std::string::npos) continue;
    const std::string rest = line.substr(export_at + 7);
    const std::string name = rest.substr(0, rest.find('='));
    if (auto it = all.find(name); it != all.end()) vars[name] = it->second;
  }
  return vars;
}

}  // namespace

void TestEnvironment::SetUp() {
  g_environment = this;
  const auto scripts_timeout = std::chrono::minutes(30);  // a cold up builds the Go tools
  const ProcessResult status = run_process({(kEnvScripts / "status").string()});
  if (status.exit_code != 0) {
    const ProcessResult up =
        run_process({(kEnvScripts / "up").string()}, ProcessOptions().set_timeout(scripts_timeout));
    ASSERT_EQ(up.exit_code, 0) << "tests/env/up failed:\n" << up.out << up.err;
    started_here_ = true;
  }
  vars_ = load_env_file();
}

void TestEnvironment::TearDown() {
  if (started_here_ && std::getenv("SLUICE_KEEP_ENV") == nullptr) {
    const ProcessResult down = run_process({(kEnvScripts / "down").string()});
    EXPECT_EQ(down.exit_code, 0) << down.out << down.err;
  }
  g_environment = nullptr;
}

const TestEnvironment& TestEnvironment::get() {
  if (g_environment == nullptr) throw internal_error("TestEnvironment is not set up");
  return *g_environment;
}

const std::string& TestEnvironment::var(const std::string& name) const {
  const auto it = vars_.find(name);
  if (it == vars_.end()) throw not_found(kEnvFile.string() + " does not export " + name);
  return it->second;
}

ProcessResult TestEnvironment::run(const std::vector<std::string>& argv,
                                   ProcessOptions options) const {
  for (const auto& [key, value] : vars_) options.env.emplace(key, value);
  return run_process(argv, options);
}

ProcessResult TestEnvironment::kubectl(const std::vector<std::string>& args,
                                       const std::string& input) const {
  std::vector<std::string> argv{"kubectl", "--kubeconfig", var("KUBECONFIG")};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv, ProcessOptions().set_input(input).set_timeout(std::chrono::seconds(60)));
}

std::string unique_test_name() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string raw = info == nullptr ? "test" : std::string(info->name());
  std::string name = "t-";
  for (const char c : raw) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      name.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    } else if (name.back() != '-') {
      name.push_back('-');
    }
  }
  name.resize(std::min<std::size_t>(name.size(), 50));
  while (name.back() == '-') name.pop_back();
  std::random_device random;
  char suffix[8];
  std::snprintf(suffix, sizeof suffix, "%06x", random() & 0xFFFFFFu);
  return name + "-" + suffix;
}

TestRepo::TestRepo(const TestEnvironment& env, std::string name)
    : env_(env), name_(std::move(name)) {
  bare_ = fs::path(env.var("GIT_ROOT")) / (name_ + ".git");
  work_ = kSourceDir / "build" / "env" / "work" / name_;
  fs::create_directories(work_);
  const ProcessResult init = run_process({"git", "init", "-q", "--bare", "-b", "main", bare_});
  if (init.exit_code != 0) throw internal_error("git init --bare: " + init.err);
  for (const auto& args :
       std::vector<std::vector<std::string>>{{"init", "-q", "-b", "main"},
                                             {"config", "user.name", "sluice tests"},
                                             {"config", "user.email", "tests@sluice.dev"},
                                             {"remote", "add", "origin", bare_.string()}}) {
    const ProcessResult result = git(args);
    if (result.exit_code != 0) throw internal_error("git " + args[0] + ": " + result.err);
  }
}

std::string TestRepo::http_url() const {
  std::string base = env_.var("GIT_HTTP_URL");  // http://127.0.0.1:PORT
  const std::string credentials = env_.var("GIT_HTTP_USER") + ":" + env_.var("GIT_HTTP_PASSWORD");
  return base.insert(base.find("://") + 3, credentials + "@") + "/" + name_ + ".git";
}

std::string TestRepo::ssh_url() const {
  return env_.var("GIT_SSH_URL") + "/" + name_ + ".git";
}

std::string TestRepo::daemon_url() const {
  return env_.var("GIT_DAEMON_URL") + "/" + name_ + ".git";
}

std::string TestRepo::git_ssh_command() const {
  return "ssh -i " + env_.var("GIT_SSH_KEY") +
         " -o IdentitiesOnly=yes -o UserKnownHostsFile=" + env_.var("GIT_SSH_KNOWN_HOSTS") +
         " -o StrictHostKeyChecking=yes";
}

std::string TestRepo::commit(const std::map<std::string, std::string>& files,
                             const std::string& message, const std::string& branch) {
  for (const auto& [path, content] : files) {
    const fs::path target = work_ / path;
    fs::create_directories(target.parent_path());
    std::ofstream(target, std::ios::binary) << content;
  }
  return commit_and_push(message, branch);
}

std::string TestRepo::remove(const std::vector<std::string>& paths, const std::string& message,
                             const std::string& branch) {
  for (const std::string& path : paths) fs::remove_all(work_ / path);
  return commit_and_push(message, branch);
}

void TestRepo::sign_with(const std::string& ssh_key_path) {
  const std::vector<std::vector<std::string>> settings =
      ssh_key_path.empty()
          ? std::vector<std::vector<std::string>>{{"config", "commit.gpgsign", "false"}}
          : std::vector<std::vector<std::string>>{{"config", "gpg.format", "ssh"},
                                                  {"config", "user.signingkey", ssh_key_path},
                                                  {"config", "commit.gpgsign", "true"}};
  for (const auto& args : settings) {
    const ProcessResult result = git(args);
    if (result.exit_code != 0) throw internal_error("git config: " + result.err);
  }
}

std::string TestRepo::commit_and_push(const std::string& message, const std::string& branch) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"add", "-A"},
           {"commit", "-q", "--allow-empty", "-m", message},
           {"push", "-q", "origin", "HEAD:refs/heads/" + branch}}) {
    const ProcessResult result = git(args);
    if (result.exit_code != 0) throw internal_error("git " + args[0] + ": " + result.err);
  }
  const ProcessResult head = git({"rev-parse", "HEAD"});
  return head.out.substr(0, head.out.find('\n'));
}

ProcessResult TestRepo::git(const std::vector<std::string>& args) const {
  std::vector<std::string> argv{"git", "-C", work_.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv);
}

void EnvTest::SetUp() {
  namespace_ = unique_test_name();
  const ProcessResult created = env().kubectl({"create", "namespace", namespace_});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  repo_ = std::make_unique<TestRepo>(env(), namespace_);
}

void EnvTest::TearDown() {
  // Not waited for: the namespace controller removes the namespace and its content later.
  if (!namespace_.empty()) env().kubectl({"delete", "namespace", namespace_, "--wait=false"});
}

}  // namespace sluice::testing
