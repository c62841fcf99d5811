#include "api/schema.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace sluice::api {
namespace {

Schema sample() {
  return Schema::object({
      required("name", Schema::string().pattern("^[a-z]+$").length(2, 5)),
      field("count", Schema::integer().range(1, 10)),
      field("mode", Schema::string().one_of_values({"Fast", "Slow"})),
      field("flags", Schema::array(Schema::boolean()).max_items(2)),
      field("labels", Schema::string_map()),
      field("ref", Schema::object({field("a", Schema::string()), field("b", Schema::string())})
                       .rule(exactly_one_of({"a", "b"}))),
  });
}

std::string refusal(const Json& value) {
  try {
    sample().validate(value, "spec");
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    return e.message();
  }
  return "accepted";
}

TEST(Schema, AcceptsWhatItDeclares) {
  EXPECT_EQ(refusal(Json{{"name", "abc"},
                         {"count", 3},
                         {"mode", "Fast"},
                         {"flags", {true}},
                         {"labels", {{"k", "v"}}},
                         {"ref", {{"a", "x"}}}}),
            "accepted");
}

TEST(Schema, RefusesEachKindOfProblemWithThePath) {
  EXPECT_EQ(refusal(Json{{"count", 3}}), "spec.name: required");
  EXPECT_EQ(refusal(Json{{"name", "abc"}, {"extra", 1}}), "spec: unknown field \"extra\"");
  EXPECT_EQ(refusal(Json{{"name", 5}}), "spec.name: must be a string, not number");
  EXPECT_EQ(refusal(Json{{"name", "ABC"}}), "spec.name: \"ABC\" does not match ^[a-z]+$");
  EXPECT_EQ(refusal(Json{{"name", "abcdef"}}), "spec.name: must have at most 5 characters");
  EXPECT_EQ(refusal(Json{{"name", "a"}}), "spec.name: must have at least 2 characters");
  EXPECT_EQ(refusal(Json{{"name", "ab"}, {"count", 11}}), "spec.count: must be at most 10");
  EXPECT_EQ(refusal(Json{{"name", "ab"}, {"count", 1.5}}),
            "spec.count: must be an integer, not number");
  EXPECT_EQ(refusal(Json{{"name", "ab"}, {"mode", "Medium"}}),
            "spec.mode: \"Medium\" is not one of \"Fast\", \"Slow\"");
  EXPECT_EQ(refusal(Json{{"name", "ab"}, {"flags", {true, false, true}}}),
            "spec.flags: at most 2 items");
  EXPECT_EQ(refusal(Json{{"name", "ab"}, {"flags", {true, "no"}}}),
            "spec.flags[1]: must be true or false, not string");
  EXPECT_EQ(refusal(Json{{"name", "ab"}, {"labels", {{"k", 1}}}}),
            "spec.labels.k: must be a string");
  EXPECT_EQ(refusal(Json{{"name", "ab"}, {"ref", {{"a", "x"}, {"b", "y"}}}}),
            "spec.ref: exactly one of a, b must be set");
  EXPECT_EQ(refusal(Json{{"name", "ab"}, {"ref", Json::object()}}),
            "spec.ref: exactly one of a, b must be set");
}

TEST(Schema, NullIsAbsentAsTheApiServerPrunesIt) {
  EXPECT_EQ(refusal(Json{{"name", "ab"}, {"count", nullptr}}), "accepted");
  EXPECT_EQ(refusal(Json{{"name", nullptr}}), "spec.name: required");
  EXPECT_EQ(refusal(Json{{"name", "ab"}, {"ref", {{"a", "x"}, {"b", nullptr}}}}), "accepted");
}

TEST(Schema, LengthCountsCharactersNotBytes) {
  const Schema schema = Schema::string().length(std::nullopt, 3);
  EXPECT_NO_THROW(schema.validate("äöü", "x"));
  EXPECT_THROW(schema.validate("äöüß", "x"), Error);
}

TEST(Schema, PrintsOpenApiWithCelRules) {
  const Json openapi = sample().to_openapi();
  EXPECT_EQ(openapi["type"], "object");
  EXPECT_EQ(openapi["required"], Json::array({"name"}));
  EXPECT_EQ(openapi["properties"]["name"]["pattern"], "^[a-z]+$");
  EXPECT_EQ(openapi["properties"]["name"]["maxLength"], 5);
  EXPECT_EQ(openapi["properties"]["labels"]["additionalProperties"], (Json{{"type", "string"}}));
  EXPECT_EQ(openapi["properties"]["flags"]["items"]["type"], "boolean");
  EXPECT_EQ(openapi["properties"]["ref"]["x-kubernetes-validations"][0]["rule"],
            "[has(self.a), has(self.b)].filter(x, x).size() == 1");
}

TEST(Schema, ListsPropertyPathsAndBuildsAValidExample) {
  const std::vector<std::string> paths = sample().property_paths("spec");
  EXPECT_EQ(paths, (std::vector<std::string>{"spec", "spec.name", "spec.count", "spec.mode",
                                             "spec.flags", "spec.flags[]", "spec.labels",
                                             "spec.ref", "spec.ref.a", "spec.ref.b"}));
  Json example = sample().example();
  example["name"] = "abc";  // the pattern is not solved by example()
  example["ref"].erase("b");
  EXPECT_NO_THROW(sample().validate(example, "spec"));
}

TEST(Schema, DurationsMustBeGoDurationsAndPositive) {
  const Schema schema = duration_schema("d");
  EXPECT_NO_THROW(schema.validate("1m30s", "spec.interval"));
  EXPECT_NO_THROW(schema.validate("1.5h", "spec.interval"));
  EXPECT_THROW(schema.validate("5 minutes", "spec.interval"), Error);
  EXPECT_THROW(schema.validate("-1s", "spec.interval"), Error);
  try {
    schema.validate("0s", "spec.interval");
    FAIL() << "0s accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.message(), "spec.interval: must be longer than 0s");
  }
}

}  // namespace
}  // namespace sluice::api
