#include "policy/json_fields.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/error.h"
#include "core/yaml_reader.h"

namespace sluice::policy::detail {
namespace {

using ::testing::HasSubstr;

template <typename F>
std::string problem(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    return e.message();
  }
  return "accepted";
}

TEST(JsonFields, MemberTreatsNullAsAbsent) {
  const Json json = parse_yaml("{a: 1, b: null}");
  ASSERT_NE(member(json, "a"), nullptr);
  EXPECT_EQ(member(json, "b"), nullptr);
  EXPECT_EQ(member(json, "c"), nullptr);
  EXPECT_EQ(member(Json::array(), "a"), nullptr);
}

TEST(JsonFields, ExpectObjectRefusesUnknownKeys) {
  EXPECT_NO_THROW(expect_object(parse_yaml("{a: 1}"), "spec", {"a", "b"}));
  EXPECT_EQ(problem([] {
              expect_object(parse_yaml("{c: 1}"), "spec", {"a", "b"});
            }),
            "spec: unknown field \"c\" (known: a, b)");
  EXPECT_EQ(problem([] { expect_object(parse_yaml("[1]"), "spec", {"a"}); }),
            "spec: must be an object, not array");
}

TEST(JsonFields, Scalars) {
  EXPECT_EQ(expect_string(parse_yaml("''"), "f"), "");
  EXPECT_EQ(problem([] { expect_non_empty_string(parse_yaml("''"), "f"); }),
            "f: must not be empty");
  EXPECT_EQ(problem([] { expect_string(parse_yaml("1"), "f"); }),
            "f: must be a string, not number");
  EXPECT_TRUE(expect_bool(parse_yaml("true"), "f"));
  EXPECT_EQ(problem([] { expect_bool(parse_yaml("'true'"), "f"); }),
            "f: must be true or false, not string");
}

TEST(JsonFields, Lists) {
  EXPECT_EQ(expect_string_list(parse_yaml("[a, b]"), "f"), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(expect_string_list(parse_yaml("[]"), "f").empty());
  EXPECT_THAT(problem([] { expect_string_list(parse_yaml("[a, 2]"), "f"); }),
              HasSubstr("f[1]: must be a string"));
  EXPECT_THAT(problem([] { expect_array(parse_yaml("a"), "f"); }), HasSubstr("f: must be a list"));
  EXPECT_EQ(item_path("spec.images", 3), "spec.images[3]");
}

}  // namespace
}  // namespace sluice::policy::detail
