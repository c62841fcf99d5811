#include "render/plugin_configs.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace sluice::render {
namespace {

Object config_of(const std::string& api_version, const std::string& kind) {
  return Object(Json{{"apiVersion", api_version}, {"kind", kind}, {"metadata", {{"name", "c"}}}});
}

TEST(PluginConfigsTest, InlineEntriesComeBeforePathsAndGetTheOrigin) {
  std::vector<std::string> loaded;
  const PluginPathLoader load = [&loaded](const std::string& entry) {
    loaded.push_back(entry);
    std::vector<Object> out;
    out.push_back(config_of("builtin", "LabelTransformer"));
    out.back().set_name(entry);
    return out;
  };
  const std::vector<Object> configs = read_plugin_configs(
      {"first.yaml", "apiVersion: builtin\nkind: PrefixTransformer\nmetadata:\n  name: inline\n",
       ""},
      load, Origin::of_file("kustomization.yaml"));
  ASSERT_EQ(configs.size(), 2U);
  EXPECT_EQ(configs[0].name(), "inline");
  EXPECT_EQ(configs[0].annotation(kOriginAnnotation), "path: kustomization.yaml\n");
  EXPECT_EQ(configs[1].name(), "first.yaml");
  EXPECT_EQ(loaded, std::vector<std::string>{"first.yaml"});
}

TEST(PluginConfigsTest, DuplicateConfigIdsAreRefused) {
  const std::string inline_config = "apiVersion: builtin\nkind: X\nmetadata:\n  name: same\n";
  EXPECT_THROW((void)read_plugin_configs({inline_config, inline_config}, {}, std::nullopt), Error);
}

TEST(PluginConfigsTest, OnlyBuiltinsOfTheRightRoleLoad) {
  EXPECT_EQ(builtin_plugin_kind(config_of("builtin", "PatchTransformer"), "transformer"),
            "PatchTransformer");
  EXPECT_EQ(builtin_plugin_kind(config_of("builtin", "IAMPolicyGenerator"), "generator"),
            "IAMPolicyGenerator");
  const auto code = [](const Object& config, std::string_view role) -> std::optional<ErrorCode> {
    try {
      (void)builtin_plugin_kind(config, role);
    } catch (const Error& e) {
      return e.code();
    }
    return std::nullopt;
  };
  EXPECT_EQ(code(config_of("example.com/v1", "Exec"), "transformer"), ErrorCode::kUnimplemented);
  EXPECT_EQ(code(config_of("builtin", "SortOrderTransformer"), "transformer"),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(code(config_of("builtin", "ConfigMapGenerator"), "transformer"),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(code(config_of("builtin", "LabelTransformer"), "generator"),
            ErrorCode::kInvalidArgument);
}

TEST(PluginConfigsTest, OriginNamesTheConfig) {
  Object config = config_of("builtin", "NamespaceTransformer");
  EXPECT_FALSE(plugin_origin(config).has_value());
  config.set_annotation(kOriginAnnotation, "path: base/ns.yaml\n");
  config.json()["metadata"]["namespace"] = "prod";
  const std::optional<Origin> origin = plugin_origin(config);
  ASSERT_TRUE(origin.has_value());
  EXPECT_EQ(origin->to_yaml(),
            "configuredIn: base/ns.yaml\nconfiguredBy:\n  apiVersion: builtin\n"
            "  kind: NamespaceTransformer\n  name: c\n  namespace: prod\n");
}

}  // namespace
}  // namespace sluice::render
