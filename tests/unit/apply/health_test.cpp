#include "apply/health.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "apply/health_fields.h"
#include "apply_test_support.h"
#include "core/json.h"
#include "core/yaml_reader.h"
#include "test_helpers.h"

namespace sluice::apply {
namespace {

namespace fs = std::filesystem;
using sluice::testing::read_text_file;
using std::chrono::system_clock;

constexpr std::array kStatuses{HealthStatus::kInProgress, HealthStatus::kFailed,
                               HealthStatus::kCurrent,    HealthStatus::kTerminating,
                               HealthStatus::kNotFound,   HealthStatus::kUnknown};

const fs::path& cases_dir() {
  static const fs::path dir = fs::path(SLUICE_TESTDATA_DIR) / "kstatus";
  return dir;
}

// "upstream/podReady" for testdata/kstatus/upstream/podReady.yaml, sorted.
std::vector<std::string> case_names(const std::string& folder) {
  std::vector<std::string> names;
  if (!fs::is_directory(cases_dir() / folder)) return names;
  for (const auto& entry : fs::directory_iterator(cases_dir() / folder)) {
    if (entry.path().extension() == ".yaml") {
      names.push_back(folder + "/" + entry.path().stem().string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> all_case_names() {
  std::vector<std::string> names = case_names("upstream");
  const std::vector<std::string> own = case_names("sluice");
  names.insert(names.end(), own.begin(), own.end());
  return names;
}

// A case file, read as the reference driver reads it (sigs.k8s.io/yaml, i.e. go-yaml v2).
Json read_case(const std::string& name) {
  return parse_yaml(read_text_file(cases_dir() / (name + ".yaml")), {}, YamlSchema::kGoYamlV2);
}

system_clock::time_point time_point_of(const std::string& rfc3339) {
  const auto time = parse_rfc3339(rfc3339);
  EXPECT_TRUE(time) << rfc3339;
  if (!time) return {};
  return system_clock::time_point(std::chrono::duration_cast<system_clock::duration>(
      std::chrono::seconds(time->seconds) + std::chrono::nanoseconds(time->nanos)));
}

std::string field(const Json& object, const char* key) {
  const auto it = object.find(key);
  return it == object.end() ? std::string() : it->get<std::string>();
}

Health expected_health(const Json& expected) {
  Health health;
  const std::string status = field(expected, "status");
  const auto* it = std::find_if(kStatuses.begin(), kStatuses.end(),
                                [&](HealthStatus each) { return to_string(each) == status; });
  EXPECT_NE(it, kStatuses.end()) << "unknown status " << status;
  if (it != kStatuses.end()) health.status = *it;
  health.message = field(expected, "message");
  if (expected.contains("condition")) {
    const Json& condition = expected.at("condition");
    health.condition = HealthCondition{field(condition, "type"), field(condition, "reason"),
                                       field(condition, "message")};
  }
  return health;
}

// Every case in testdata/kstatus: upstream/ holds kstatus's own test tables, sluice/ the cases
// they lack; check-against-kstatus proves each `expected` block is what kstatus returns.
class KstatusCaseTest : public ::testing::TestWithParam<std::string> {};

TEST_P(KstatusCaseTest, GivesWhatKstatusGives) {
  const Json file = read_case(GetParam());
  const system_clock::time_point now =
      file.contains("now") ? time_point_of(field(file, "now")) : system_clock::now();
  EXPECT_EQ(compute_health(file.at("object"), now), expected_health(file.at("expected")));
}

INSTANTIATE_TEST_SUITE_P(Cases, KstatusCaseTest, ::testing::ValuesIn(all_case_names()),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           std::string name = param.param;
                           std::replace(name.begin(), name.end(), '/', '_');
                           return name;
                         });

TEST(KstatusCasesTest, AreAllThere) {
  // The 64 of the README; a missing file must not pass unnoticed.
  EXPECT_EQ(case_names("upstream").size(), 64U);
  EXPECT_GE(case_names("sluice").size(), 78U);
}

// Every value of a wrong type, at every place in every case's object, yields a result, never
// an exception: kstatus's error paths, and those where it would panic, are all covered.
TEST(HealthTest, NeverThrowsOnMalformedFields) {
  const std::array<Json, 10> odd_values{
      Json(nullptr),
      Json(true),
      Json("x"),
      Json(-1),
      Json(1.5),
      Json(std::uint64_t{18446744073709551615U}),
      Json::array(),
      Json::object(),
      Json::array({nullptr, "x", 5}),
      Json::object({{"type", 5}, {"status", true}, {"name", nullptr}, {"waiting", "x"}})};
  std::size_t computed = 0;
  for (const std::string& name : all_case_names()) {
    const Json file = read_case(name);
    const Json& object = file.at("object");
    const system_clock::time_point now = system_clock::now();
    const Json leaves = object.flatten();
    for (const auto& [pointer, unused] : leaves.items()) {
      // Each node on the way to the leaf, and the leaf.
      Json::json_pointer path(pointer);
      for (; !path.empty(); path = path.parent_pointer()) {
        for (const Json& value : odd_values) {
          Json mutated = object;
          mutated[path] = value;
          Health health;
          EXPECT_NO_THROW(health = compute_health(mutated, now)) << name << " " << path;
          if (health.status == HealthStatus::kUnknown) {
            EXPECT_FALSE(health.message.empty()) << name << " " << path;
          }
          EXPECT_EQ(health.condition.has_value(), health.status == HealthStatus::kInProgress ||
                                                      health.status == HealthStatus::kFailed)
              << name << " " << path;
          ++computed;
        }
      }
    }
  }
  EXPECT_GT(computed, 10000U);
}

TEST(HealthTest, ObjectThatIsNoObjectIsUnknown) {
  EXPECT_EQ(compute_health(Json::array()),
            (Health{HealthStatus::kUnknown, "object: must be an object, not a list", {}}));
  EXPECT_EQ(compute_health(Json(nullptr)).message, "object: must be an object, not null");
  EXPECT_EQ(compute_health(Json("Pod")).status, HealthStatus::kUnknown);
}

TEST(HealthTest, SpellsStatusesAsKstatus) {
  std::vector<std::string> names;
  names.reserve(kStatuses.size());
  for (const HealthStatus status : kStatuses) names.emplace_back(to_string(status));
  EXPECT_EQ(names, (std::vector<std::string>{"InProgress", "Failed", "Current", "Terminating",
                                             "NotFound", "Unknown"}));
}

TEST(HealthTest, WithoutATimeUsesTheSystemClock) {
  Json pod = {{"apiVersion", "v1"},
              {"kind", "Pod"},
              {"metadata", {{"name", "web"}}},
              {"status",
               {{"phase", "Pending"},
                {"conditions",
                 {{{"type", "PodScheduled"}, {"status", "False"}, {"reason", "Unschedulable"}}}}}}};
  pod["metadata"]["creationTimestamp"] = "2000-01-01T00:00:00Z";
  EXPECT_EQ(compute_health(pod).status, HealthStatus::kFailed);
  pod["metadata"]["creationTimestamp"] = "9999-01-01T00:00:00Z";
  EXPECT_EQ(compute_health(pod).status, HealthStatus::kInProgress);
}

TEST(HealthTest, UnschedulablePodGetsFifteenSecondsToTheNanosecond) {
  const Json pod = {
      {"apiVersion", "v1"},
      {"kind", "Pod"},
      {"metadata", {{"name", "web"}, {"creationTimestamp", "2024-05-01T12:00:00Z"}}},
      {"status",
       {{"phase", "Pending"},
        {"conditions",
         {{{"type", "PodScheduled"}, {"status", "False"}, {"reason", "Unschedulable"}}}}}}};
  const system_clock::time_point created = time_point_of("2024-05-01T12:00:00Z");
  // kstatus: now - 15s before creation. At exactly 15 seconds it is no longer before.
  EXPECT_EQ(compute_health(pod, created + std::chrono::seconds(15)).status, HealthStatus::kFailed);
  EXPECT_EQ(
      compute_health(pod, created + std::chrono::seconds(15) - std::chrono::microseconds(1)).status,
      HealthStatus::kInProgress);
  EXPECT_EQ(compute_health(pod, created - std::chrono::hours(1)).status, HealthStatus::kInProgress);
}

}  // namespace
}  // namespace sluice::apply
