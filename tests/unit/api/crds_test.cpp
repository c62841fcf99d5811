// The CRDs in crds/ are printed from the C++ Schemas, the parsers read exactly what the Schemas
// declare, and the SigningPolicy schema declares exactly what policy/signing_policy.cpp knows.
// Together: one source of truth for every field (regenerate crds/ with
// `build/bin/sluice crds --out crds`).
#include "api/crds.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "api/application.h"
#include "api/git_source.h"
#include "api/signing_policy_schema.h"
#include "policy/json_fields.h"
#include "policy/signing_policy.h"

namespace sluice::api {
namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(Crds, FilesInTheRepositoryAreTheGeneratedOnes) {
  const std::filesystem::path dir = std::filesystem::path(SLUICE_SOURCE_DIR) / "crds";
  for (const CrdFile& file : crds()) {
    SCOPED_TRACE(file.file_name);
    EXPECT_EQ(read_file(dir / file.file_name), crd_yaml(file))
        << "crds/ is stale: run build/bin/sluice crds --out crds";
  }
}

TEST(Crds, NamesCategoriesAndColumns) {
  const std::vector<CrdFile> files = crds();
  ASSERT_EQ(files.size(), 3U);
  std::set<std::string> short_names;
  for (const CrdFile& file : files) {
    const Json& names = file.crd["spec"]["names"];
    EXPECT_EQ(names["categories"], Json::array({"sluice"}));
    for (const Json& name : names["shortNames"]) short_names.insert(name.get<std::string>());
    const Json& version = file.crd["spec"]["versions"][0];
    EXPECT_TRUE(version["subresources"].contains("status"));
    std::set<std::string> columns;
    for (const Json& column : version["additionalPrinterColumns"]) {
      columns.insert(column["name"].get<std::string>());
    }
    EXPECT_TRUE(columns.contains("Ready") && columns.contains("Status") && columns.contains("Age"))
        << file.file_name;
  }
  // Flux's and Argo CD's short names, which must stay free for them.
  for (const char* taken :
       {"gitrepo", "ks", "hr", "app", "apps", "appproj", "appset", "hc", "helmrepo", "ocirepo"}) {
    EXPECT_FALSE(short_names.contains(taken)) << taken;
  }
  EXPECT_EQ(files[2].crd["spec"]["scope"], "Cluster");
}

std::set<std::string> declared_paths(const Schema& schema) {
  const std::vector<std::string> paths = schema.property_paths("spec");
  return {paths.begin(), paths.end()};
}

TEST(Crds, TheGitSourceParserReadsEveryDeclaredField) {
  Json spec = git_source_spec_schema().example();
  std::set<std::string> seen;
  parse_git_source_spec(Object(Json{{"spec", spec}}), &seen);
  EXPECT_EQ(seen, declared_paths(git_source_spec_schema()));
}

TEST(Crds, TheApplicationParserReadsEveryDeclaredField) {
  Json spec = application_spec_schema().example();
  std::set<std::string> seen;
  parse_application_spec(Object(Json{{"spec", spec}}), &seen);
  EXPECT_EQ(seen, declared_paths(application_spec_schema()));
}

// Every object node of a schema: its path (indices as []) and property names.
void object_nodes(const Schema& schema, const std::string& path,
                  std::map<std::string, std::set<std::string>>& out) {
  if (schema.type() == Schema::Type::kObject) {
    std::set<std::string>& names = out[path];
    for (const Property& property : schema.properties()) {
      names.insert(property.name);
      object_nodes(property.schema, path + "." + property.name, out);
    }
  } else if (schema.type() == Schema::Type::kArray) {
    object_nodes(*schema.items(), path + "[]", out);
  }
}

TEST(Crds, TheSigningPolicySchemaDeclaresExactlyWhatItsParserKnows) {
  std::map<std::string, std::set<std::string>> known;
  policy::detail::set_known_fields_observer(
      [&](const std::string& path, const std::vector<std::string_view>& fields) {
        const std::string normalised = std::regex_replace(path, std::regex("\\[[0-9]+\\]"), "[]");
        known[normalised].insert(fields.begin(), fields.end());
      });

  const Json example = signing_policy_spec_schema().example();
  // The other side of each exactly-one-of rule.
  Json variant = example;
  variant["commits"]["ssh"] = Json{{"allowedSignersSecretRef", {{"name", "signers"}}}};
  variant["images"][0]["keys"] = Json::array({Json{{"secretRef", {{"name", "cosign"}}}}});
  variant["commits"]["keyless"]["identities"] =
      Json::array({Json{{"issuer", "https://token.example.com"}, {"subjectRegExp", "^ci@"}}});
  for (const Json& spec : {example, variant}) {
    SCOPED_TRACE(spec.dump());
    EXPECT_NO_THROW(signing_policy_spec_schema().validate(spec, "spec"));
    const Object object(Json{{"apiVersion", "sluice.dev/v1alpha1"},
                             {"kind", "SigningPolicy"},
                             {"metadata", {{"name", "p"}}},
                             {"spec", spec}});
    EXPECT_NO_THROW(policy::parse_signing_policy(object));
  }
  policy::detail::set_known_fields_observer({});

  std::map<std::string, std::set<std::string>> declared;
  object_nodes(signing_policy_spec_schema(), "spec", declared);
  EXPECT_EQ(declared, known);
}

}  // namespace
}  // namespace sluice::api
