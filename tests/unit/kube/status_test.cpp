#include "kube/status.h"

#include <gtest/gtest.h>

#include "kube/client.h"

namespace sluice::kube {
namespace {

TEST(StatusTest, ReasonsMapOntoErrorCodes) {
  EXPECT_EQ(error_code_for("NotFound", 404), ErrorCode::kNotFound);
  EXPECT_EQ(error_code_for("AlreadyExists", 409), ErrorCode::kAlreadyExists);
  EXPECT_EQ(error_code_for("Conflict", 409), ErrorCode::kConflict);
  EXPECT_EQ(error_code_for("Invalid", 422), ErrorCode::kInvalidArgument);
  EXPECT_EQ(error_code_for("Forbidden", 403), ErrorCode::kPermissionDenied);
  EXPECT_EQ(error_code_for("Unauthorized", 401), ErrorCode::kUnauthenticated);
  EXPECT_EQ(error_code_for("Expired", 410), ErrorCode::kGone);
  EXPECT_EQ(error_code_for("TooManyRequests", 429), ErrorCode::kUnavailable);
  EXPECT_EQ(error_code_for("Timeout", 504), ErrorCode::kDeadlineExceeded);
  // Unknown or missing reasons fall back to the HTTP code.
  EXPECT_EQ(error_code_for("", 410), ErrorCode::kGone);
  EXPECT_EQ(error_code_for("Whatever", 502), ErrorCode::kUnavailable);
  EXPECT_EQ(error_code_for("", 418), ErrorCode::kInvalidArgument);
}

TEST(StatusTest, InvalidCarriesItsCauses) {
  const std::string body = R"({"kind":"Status","apiVersion":"v1","status":"Failure",
    "message":"ConfigMap \"Bad\" is invalid","reason":"Invalid",
    "details":{"name":"Bad","kind":"ConfigMap","causes":[
      {"reason":"FieldValueInvalid","message":"Invalid value: \"Bad\"","field":"metadata.name"},
      {"reason":"FieldValueRequired","message":"Required value","field":"data"}]},"code":422})";
  const Error error = error_from_response(422, body, "POST /api/v1/namespaces/a/configmaps");
  EXPECT_EQ(error.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(error.message(),
            "POST /api/v1/namespaces/a/configmaps: Invalid (422): ConfigMap \"Bad\" is invalid; "
            "causes: metadata.name: Invalid value: \"Bad\", data: Required value");
}

TEST(StatusTest, AlreadyExistsIsNotAPlainConflict) {
  const Error error = error_from_response(
      409,
      R"({"kind":"Status","reason":"AlreadyExists","message":"configmaps \"x\" already exists"})",
      "POST /api/v1/namespaces/a/configmaps");
  EXPECT_EQ(error.code(), ErrorCode::kAlreadyExists);
  EXPECT_NE(error.message().find("AlreadyExists (409)"), std::string::npos);
}

TEST(StatusTest, NonStatusBodiesAreShortened) {
  const Error error = error_from_response(503, std::string(5000, 'x'), "GET /api");
  EXPECT_EQ(error.code(), ErrorCode::kUnavailable);
  EXPECT_LT(error.message().size(), 600U);
  EXPECT_NE(error.message().find("ServiceUnavailable (503)"), std::string::npos);
}

TEST(ResourceTest, Paths) {
  EXPECT_EQ(configmaps().object_path("ns1", "cm"), "/api/v1/namespaces/ns1/configmaps/cm");
  EXPECT_EQ(namespaces().object_path("", "ns1"), "/api/v1/namespaces/ns1");
  const Resource deployments{.group = "apps", .version = "v1", .resource = "deployments"};
  EXPECT_EQ(deployments.collection_path("a"), "/apis/apps/v1/namespaces/a/deployments");
  EXPECT_EQ(configmaps().collection_path(""), "/api/v1/configmaps");  // all namespaces
  EXPECT_THROW((void)configmaps().object_path("", "cm"), Error);
  EXPECT_THROW((void)namespaces().collection_path("a"), Error);
  EXPECT_THROW((void)configmaps().object_path("a", "../x"), Error);
  EXPECT_THROW((void)configmaps().object_path("a", "b?c"), Error);
}

TEST(ClientTest, UnusableTlsMaterialIsRefusedUpFront) {
  ClusterConfig config;
  config.server = "https://127.0.0.1:1";
  config.ca_pem = "not a certificate";
  try {
    Client client(config);
    FAIL() << "accepted a CA without certificates";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
  }
  config.ca_pem.clear();
  config.server = "ftp://127.0.0.1";
  EXPECT_THROW(Client{config}, Error);
}

// Found by fuzz_kube_response (corpus: status-kind-number): a body whose "kind" was not a
// string threw nlohmann's type_error instead of becoming an Error.
TEST(StatusTest, BodiesOfAnyShapeBecomeErrors) {
  for (const char* body : {R"({"kind":7,"reason":"Conflict"})", R"({"kind":null})", "[1]", "3"}) {
    const Error error = error_from_response(409, body, "GET /x");
    EXPECT_EQ(error.code(), ErrorCode::kConflict) << body;
    EXPECT_NE(std::string(error.what()).find("Conflict (409)"), std::string::npos) << body;
  }
}

// A list response of another shape decodes as an empty page rather than throwing
// nlohmann's type_error (corpus: list-wrong-types).
TEST(ListPageTest, DecodesWhatTheServerSentAndIgnoresTheRest) {
  const ListPage page = decode_list_page(
      Json::parse(R"({"metadata":{"resourceVersion":"42","continue":"c"},"items":[{"a":1},3]})"));
  EXPECT_EQ(page.resource_version, "42");
  EXPECT_EQ(page.continue_token, "c");
  EXPECT_EQ(page.items.size(), 2U);
  const ListPage odd =
      decode_list_page(Json::parse(R"({"metadata":{"resourceVersion":42,"continue":false},
                                       "items":{}})"));
  EXPECT_TRUE(odd.resource_version.empty());
  EXPECT_TRUE(odd.continue_token.empty());
  EXPECT_TRUE(odd.items.empty());
  EXPECT_TRUE(decode_list_page(Json::parse("[1]")).items.empty());
}

}  // namespace
}  // namespace sluice::kube
