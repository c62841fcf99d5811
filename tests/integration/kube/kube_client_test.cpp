// The API client against the real kube-apiserver of tests/env: authentication and TLS, CRUD,
// server-side apply with field ownership, dry-run, pagination, preconditions, impersonation.
#include <atomic>
#include <chrono>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "core/error.h"
#include "kube/client.h"
#include "kube/config.h"
#include "runtime/fiber_pool.h"
#include "test_env.h"

namespace sluice::testing {
namespace {

using kube::Client;
using kube::ClusterConfig;

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The error a call throws (fails the test if it throws none or something else).
Error error_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const Error& e) {
    return e;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "not a sluice::Error: " << e.what();
    return internal_error(e.what());
  }
  ADD_FAILURE() << "no error thrown";
  return internal_error("no error");
}

Json config_map(const std::string& name, const Json& data) {
  return {
      {"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", name}}}, {"data", data}};
}

class KubeClientTest : public EnvTest {
 protected:
  ClusterConfig admin_config() const { return kube::load_kubeconfig(env().var("KUBECONFIG")); }
  Client admin() const { return Client(admin_config()); }
};

TEST_F(KubeClientTest, KubeconfigFromTheEnvironmentWorks) {
  const ClusterConfig config = admin_config();
  EXPECT_EQ(config.server, env().var("SLUICE_APISERVER_URL"));
  EXPECT_FALSE(config.client_cert_pem.empty());
  const Json namespace_object = admin().get(kube::namespaces(), "", ns());
  EXPECT_EQ(namespace_object["metadata"]["name"], ns());
  const auto version = Json::parse(admin().request("GET", "/version").body);
  EXPECT_EQ(version["gitVersion"], "v1.34.4");
}

TEST_F(KubeClientTest, WaitsAsAFiberOnAFiberPool) {
  const Client client = admin();
  runtime::FiberPool pool(2);
  std::vector<boost::fibers::future<std::string>> names;
  names.reserve(8);
  for (int i = 0; i < 8; ++i) {
    names.push_back(pool.submit([&client, this, i] {
      const std::string name = "fiber-" + std::to_string(i);
      client.create(kube::configmaps(), ns(), config_map(name, {{"i", std::to_string(i)}}));
      return client.get(kube::configmaps(), ns(), name)["data"]["i"].get<std::string>();
    }));
  }
  for (int i = 0; i < 8; ++i)
    EXPECT_EQ(names[static_cast<std::size_t>(i)].get(), std::to_string(i));
}

TEST_F(KubeClientTest, AWaitingRequestDoesNotBlockItsFiberThread) {
  // One pool thread: a request the server holds for 2 s (a watch with timeoutSeconds) must
  // leave that thread free for other fibers' requests meanwhile.
  const Client client = admin();
  runtime::FiberPool pool(1);
  std::atomic<bool> slow_done{false};
  auto slow = pool.submit([&] {
    client.request("GET", kube::configmaps().collection_path(ns()) + "?watch=1&timeoutSeconds=2");
    slow_done = true;
  });
  auto quick = pool.submit([&] {
    int answered = 0;
    for (int i = 0; i < 5; ++i) {
      client.get(kube::namespaces(), "", ns());
      ++answered;
    }
    return std::make_pair(answered, slow_done.load());
  });
  const auto [answered, slow_was_done] = quick.get();
  EXPECT_EQ(answered, 5);
  EXPECT_FALSE(slow_was_done) << "the quick requests waited for the slow one";
  slow.get();
  EXPECT_TRUE(slow_done);
}

TEST_F(KubeClientTest, BadTokenIsUnauthenticated) {
  ClusterConfig config = admin_config();
  config.client_cert_pem.clear();
  config.client_key_pem.clear();
  config.token = "not-a-valid-token-x9q";
  const Error error = error_of([&] { Client(config).get(kube::namespaces(), "", ns()); });
  EXPECT_EQ(error.code(), ErrorCode::kUnauthenticated) << error.message();
  EXPECT_NE(error.message().find("Unauthorized (401)"), std::string::npos) << error.message();
  EXPECT_EQ(error.message().find("x9q"), std::string::npos) << "token leaked: " << error.message();
}

TEST_F(KubeClientTest, ServiceAccountTokenFileAuthenticatesAndRbacApplies) {
  ClusterConfig config = admin_config();
  config.client_cert_pem.clear();
  config.client_key_pem.clear();
  config.token_file = std::make_shared<kube::TokenFile>(env().var("SLUICE_SA_TOKEN_FILE"));
  const Client operator_client(config);
  // Authenticated (not 401) as the ServiceAccount, which has no rights in a fresh namespace.
  const Error error = error_of([&] { operator_client.list(kube::secrets(), ns()); });
  EXPECT_EQ(error.code(), ErrorCode::kPermissionDenied) << error.message();
  EXPECT_NE(error.message().find("system:serviceaccount:sluice-system:sluice"), std::string::npos)
      << error.message();
}

TEST_F(KubeClientTest, WrongCaIsRefused) {
  ClusterConfig config = admin_config();
  config.ca_pem = read_file(env().var("GIT_CA_FILE"));  // a real CA, but not the cluster's
  ASSERT_NE(config.ca_pem.find("BEGIN CERTIFICATE"), std::string::npos);
  const Error error = error_of([&] { Client(config).get(kube::namespaces(), "", ns()); });
  EXPECT_EQ(error.code(), ErrorCode::kVerificationFailed) << error.message();
}

TEST_F(KubeClientTest, NoCaMeansSystemTrustWhichDoesNotKnowTheClusterCa) {
  ClusterConfig config = admin_config();
  config.ca_pem.clear();
  const Error error = error_of([&] { Client(config).get(kube::namespaces(), "", ns()); });
  EXPECT_EQ(error.code(), ErrorCode::kVerificationFailed) << error.message();
  // ...unless the kubeconfig says insecure-skip-tls-verify.
  config.insecure_skip_tls_verify = true;
  EXPECT_EQ(Client(config).get(kube::namespaces(), "", ns())["metadata"]["name"], ns());
}

TEST_F(KubeClientTest, ConfigMapCrud) {
  const Client client = admin();
  const auto cms = kube::configmaps();
  const Json created = client.create(cms, ns(), config_map("crud", {{"a", "1"}}));
  EXPECT_FALSE(created["metadata"]["uid"].get<std::string>().empty());

  EXPECT_EQ(error_of([&] {
              client.create(cms, ns(), config_map("crud", {{"a", "2"}}));
            }).code(),
            ErrorCode::kAlreadyExists);

  const Json patched = client.merge_patch(cms, ns(), "crud", {{"data", {{"b", "2"}}}});
  EXPECT_EQ(patched["data"], Json({{"a", "1"}, {"b", "2"}}));
  EXPECT_EQ(client.get(cms, ns(), "crud")["data"]["b"], "2");

  const kube::ListPage page = client.list(cms, ns());
  std::set<std::string> names;
  for (const auto& item : page.items) names.insert(item["metadata"]["name"].get<std::string>());
  EXPECT_TRUE(names.count("crud") == 1);
  EXPECT_FALSE(page.resource_version.empty());

  kube::DeleteOptions foreground;
  foreground.propagation = kube::PropagationPolicy::kForeground;
  // Foreground deletion answers with the object held by the foregroundDeletion finalizer:
  // proof the policy reached the server. The garbage collector (kube-controller-manager) then
  // removes it, or dropping the finalizer does if it has not yet.
  const Json held = client.remove(cms, ns(), "crud", foreground);
  EXPECT_TRUE(held["metadata"].contains("deletionTimestamp")) << held.dump();
  EXPECT_EQ(held["metadata"]["finalizers"], Json::array({"foregroundDeletion"}));
  try {
    client.merge_patch(cms, ns(), "crud", {{"metadata", {{"finalizers", nullptr}}}});
  } catch (const Error& e) {
    if (e.code() != ErrorCode::kNotFound) throw;
  }
  const Error missing = error_of([&] { client.get(cms, ns(), "crud"); });
  EXPECT_EQ(missing.code(), ErrorCode::kNotFound);
  EXPECT_NE(missing.message().find("NotFound (404)"), std::string::npos) << missing.message();
  EXPECT_EQ(error_of([&] { client.remove(cms, ns(), "crud"); }).code(), ErrorCode::kNotFound);
}

TEST_F(KubeClientTest, CustomResourceCrudAndStatus) {
  const Client client = admin();
  const std::string group = ns() + ".sluice.test";
  const kube::Resource crds{.group = "apiextensions.k8s.io",
                            .version = "v1",
                            .resource = "customresourcedefinitions",
                            .namespaced = false};
  const Json schema = {
      {"type", "object"},
      {"properties",
       {{"spec", {{"type", "object"}, {"x-kubernetes-preserve-unknown-fields", true}}},
        {"status", {{"type", "object"}, {"x-kubernetes-preserve-unknown-fields", true}}}}}};
  const Json crd = {
      {"apiVersion", "apiextensions.k8s.io/v1"},
      {"kind", "CustomResourceDefinition"},
      {"metadata", {{"name", "widgets." + group}}},
      {"spec",
       {{"group", group},
        {"scope", "Namespaced"},
        {"names", {{"plural", "widgets"}, {"singular", "widget"}, {"kind", "Widget"}}},
        {"versions",
         {{{"name", "v1"},
           {"served", true},
           {"storage", true},
           {"subresources", {{"status", Json::object()}}},
           {"schema", {{"openAPIV3Schema", schema}}}}}}}}};
  client.apply(crds, "", "widgets." + group, crd);

  const kube::Resource widgets{.group = group, .version = "v1", .resource = "widgets"};
  const Json widget = {{"apiVersion", group + "/v1"},
                       {"kind", "Widget"},
                       {"metadata", {{"name", "w1"}}},
                       {"spec", {{"size", 3}}}};
  // The apiserver serves a new CRD a moment after accepting it.
  Json created;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (;;) {
    try {
      created = client.create(widgets, ns(), widget);
      break;
    } catch (const Error& e) {
      if (e.code() != ErrorCode::kNotFound || std::chrono::steady_clock::now() > deadline) throw;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  EXPECT_EQ(created["spec"]["size"], 3);
  EXPECT_EQ(client.merge_patch(widgets, ns(), "w1", {{"spec", {{"size", 4}}}})["spec"]["size"], 4);
  // Through the main resource the status is ignored; through /status it is kept.
  client.merge_patch(widgets, ns(), "w1", {{"status", {{"ready", true}}}});
  EXPECT_FALSE(client.get(widgets, ns(), "w1").contains("status"));
  const Json with_status =
      client.patch_status(widgets, ns(), "w1", {{"status", {{"ready", true}}}});
  EXPECT_EQ(with_status["status"]["ready"], true);
  EXPECT_EQ(with_status["spec"]["size"], 4);
  ASSERT_EQ(client.list(widgets, ns()).items.size(), 1U);
  client.remove(widgets, ns(), "w1");
  EXPECT_EQ(error_of([&] { client.get(widgets, ns(), "w1"); }).code(), ErrorCode::kNotFound);
  client.remove(crds, "", "widgets." + group);
}

TEST_F(KubeClientTest, InvalidObjectCarriesCauses) {
  const Error error =
      error_of([&] { admin().create(kube::configmaps(), ns(), config_map("Not_Valid", {})); });
  EXPECT_EQ(error.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(error.message().find("Invalid (422)"), std::string::npos) << error.message();
  EXPECT_NE(error.message().find("causes: metadata.name: "), std::string::npos) << error.message();
}

// The managers that own a field of `object`, per managedFields.
std::set<std::string> owners_of(const Json& object, const std::string& field_key) {
  std::set<std::string> owners;
  for (const auto& entry : object["metadata"]["managedFields"]) {
    const auto& fields = entry["fieldsV1"];
    if (fields.contains("f:data") && fields["f:data"].contains(field_key)) {
      owners.insert(entry["manager"].get<std::string>() + "/" +
                    entry["operation"].get<std::string>());
    }
  }
  return owners;
}

TEST_F(KubeClientTest, ServerSideApplyOwnershipConflictAndForce) {
  const Client client = admin();
  const auto cms = kube::configmaps();
  const Json first = client.apply(cms, ns(), "ssa", config_map("ssa", {{"a", "1"}}));
  EXPECT_EQ(first["data"]["a"], "1");
  EXPECT_EQ(owners_of(first, "f:a"), std::set<std::string>{"sluice/Apply"});

  const Json second = client.apply(cms, ns(), "ssa", config_map("ssa", {{"a", "2"}, {"b", "x"}}));
  EXPECT_EQ(second["data"], Json({{"a", "2"}, {"b", "x"}}));
  EXPECT_EQ(owners_of(second, "f:b"), std::set<std::string>{"sluice/Apply"});

  const kube::ApplyOptions other{.force = false, .dry_run = false, .field_manager = "other"};
  const Error conflict = error_of([&] {
    client.apply(cms, ns(), "ssa", config_map("ssa", {{"a", "3"}}), other);
  });
  EXPECT_EQ(conflict.code(), ErrorCode::kConflict) << conflict.message();
  EXPECT_NE(conflict.message().find("Conflict (409)"), std::string::npos) << conflict.message();
  EXPECT_EQ(client.get(cms, ns(), "ssa")["data"]["a"], "2");

  kube::ApplyOptions forced = other;
  forced.force = true;
  const Json taken = client.apply(cms, ns(), "ssa", config_map("ssa", {{"a", "3"}}), forced);
  EXPECT_EQ(taken["data"]["a"], "3");
  EXPECT_EQ(owners_of(taken, "f:a"), std::set<std::string>{"other/Apply"});
  EXPECT_EQ(owners_of(taken, "f:b"), std::set<std::string>{"sluice/Apply"});
}

TEST_F(KubeClientTest, DryRunChangesNothing) {
  const Client client = admin();
  const auto cms = kube::configmaps();
  const Json dry = client.apply(cms, ns(), "dry", config_map("dry", {{"a", "1"}}),
                                {.force = false, .dry_run = true, .field_manager = "sluice"});
  EXPECT_EQ(dry["data"]["a"], "1");  // the server computed the result...
  EXPECT_EQ(error_of([&] { client.get(cms, ns(), "dry"); }).code(), ErrorCode::kNotFound);
  client.create(cms, ns(), config_map("dry", {{"a", "1"}}), {.dry_run = true});
  EXPECT_EQ(error_of([&] { client.get(cms, ns(), "dry"); }).code(), ErrorCode::kNotFound);

  const Json real = client.create(cms, ns(), config_map("dry", {{"a", "1"}}));
  client.merge_patch(cms, ns(), "dry", {{"data", {{"a", "2"}}}}, {.dry_run = true});
  kube::DeleteOptions dry_delete;
  dry_delete.dry_run = true;
  client.remove(cms, ns(), "dry", dry_delete);
  const Json after = client.get(cms, ns(), "dry");
  EXPECT_EQ(after["data"]["a"], "1");
  EXPECT_EQ(after["metadata"]["resourceVersion"], real["metadata"]["resourceVersion"]);
}

TEST_F(KubeClientTest, PaginationReturnsEveryObjectExactlyOnce) {
  const Client client = admin();
  const auto cms = kube::configmaps();
  constexpr int kCount = 250;
  for (int i = 0; i < kCount; ++i) {
    Json cm = config_map("page-" + std::to_string(i), {{"i", std::to_string(i)}});
    cm["metadata"]["labels"] = {{"set", "paged"}};
    client.create(cms, ns(), cm);
  }
  kube::ListOptions options;
  options.label_selector = "set=paged";
  options.limit = 100;
  std::multiset<std::string> seen;
  int pages = 0;
  for (;;) {
    kube::ListPage page = client.list(cms, ns(), options);
    ++pages;
    EXPECT_LE(page.items.size(), 100U);
    for (const auto& item : page.items) seen.insert(item["metadata"]["name"].get<std::string>());
    if (page.continue_token.empty()) break;
    options.continue_token = page.continue_token;
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(kCount));
  for (int i = 0; i < kCount; ++i) EXPECT_EQ(seen.count("page-" + std::to_string(i)), 1U) << i;

  kube::ListOptions selected;
  selected.label_selector = "set=paged";
  const auto all = client.list_all(cms, ns(), selected, 100);
  EXPECT_EQ(all.size(), static_cast<std::size_t>(kCount));
}

TEST_F(KubeClientTest, DeletePreconditionsAreChecked) {
  const Client client = admin();
  const auto cms = kube::configmaps();
  const Json created = client.create(cms, ns(), config_map("pre", {{"a", "1"}}));
  kube::DeleteOptions wrong;
  wrong.precondition_uid = "00000000-0000-0000-0000-000000000000";
  const Error wrong_uid = error_of([&] { client.remove(cms, ns(), "pre", wrong); });
  EXPECT_EQ(wrong_uid.code(), ErrorCode::kConflict) << wrong_uid.message();
  kube::DeleteOptions stale;
  stale.precondition_resource_version = "1";
  const Error stale_version = error_of([&] { client.remove(cms, ns(), "pre", stale); });
  EXPECT_EQ(stale_version.code(), ErrorCode::kConflict) << stale_version.message();
  EXPECT_EQ(client.get(cms, ns(), "pre")["metadata"]["uid"], created["metadata"]["uid"]);

  kube::DeleteOptions right;
  right.precondition_uid = created["metadata"]["uid"].get<std::string>();
  client.remove(cms, ns(), "pre", right);
  EXPECT_EQ(error_of([&] { client.get(cms, ns(), "pre"); }).code(), ErrorCode::kNotFound);
}

TEST_F(KubeClientTest, StatusSubresourcePatch) {
  // Namespaces have a status subresource; its phase is the server's to set, but conditions
  // written through /status are kept, and through the main resource they are ignored.
  const Client client = admin();
  const Json condition = {{"type", "SluiceTest"}, {"status", "True"}, {"reason", "Testing"}};
  client.merge_patch(kube::namespaces(), "", ns(), {{"status", {{"conditions", {condition}}}}});
  EXPECT_FALSE(client.get(kube::namespaces(), "", ns())["status"].contains("conditions"));
  const Json patched = client.patch_status(kube::namespaces(), "", ns(),
                                           {{"status", {{"conditions", {condition}}}}});
  EXPECT_EQ(patched["status"]["conditions"][0]["type"], "SluiceTest");
}

TEST_F(KubeClientTest, ImpersonationWithoutRbacRightsIsForbidden) {
  const Client client = admin();
  client.create(kube::configmaps(), ns(), config_map("secret-ish", {{"a", "1"}}));
  const Client as_nobody =
      client.impersonating(kube::Impersonation::service_account(ns(), "nobody"));
  const Error error = error_of([&] { as_nobody.get(kube::configmaps(), ns(), "secret-ish"); });
  EXPECT_EQ(error.code(), ErrorCode::kPermissionDenied) << error.message();
  EXPECT_NE(error.message().find("system:serviceaccount:" + ns() + ":nobody"), std::string::npos)
      << error.message();
  // The admin client itself is unchanged.
  EXPECT_EQ(client.get(kube::configmaps(), ns(), "secret-ish")["data"]["a"], "1");
}

TEST_F(KubeClientTest, ImpersonationAllowedByRbac) {
  const Client client = admin();
  client.create(kube::configmaps(), ns(), config_map("readable", {{"a", "1"}}));
  const Json role = {
      {"apiVersion", "rbac.authorization.k8s.io/v1"},
      {"kind", "Role"},
      {"metadata", {{"name", "cm-reader"}}},
      {"rules", {{{"apiGroups", {""}}, {"resources", {"configmaps"}}, {"verbs", {"get"}}}}}};
  const Json binding = {
      {"apiVersion", "rbac.authorization.k8s.io/v1"},
      {"kind", "RoleBinding"},
      {"metadata", {{"name", "cm-reader"}}},
      {"roleRef",
       {{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "Role"}, {"name", "cm-reader"}}},
      {"subjects", {{{"kind", "ServiceAccount"}, {"name", "reader"}, {"namespace", ns()}}}}};
  const kube::Resource roles{
      .group = "rbac.authorization.k8s.io", .version = "v1", .resource = "roles"};
  const kube::Resource bindings{
      .group = "rbac.authorization.k8s.io", .version = "v1", .resource = "rolebindings"};
  client.create(roles, ns(), role);
  client.create(bindings, ns(), binding);
  const Client as_reader =
      client.impersonating(kube::Impersonation::service_account(ns(), "reader"));
  // The binding reaches the authorizer through its informers, a moment after the create.
  Json readable;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (;;) {
    try {
      readable = as_reader.get(kube::configmaps(), ns(), "readable");
      break;
    } catch (const Error& e) {
      if (e.code() != ErrorCode::kPermissionDenied || std::chrono::steady_clock::now() > deadline) {
        throw;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  EXPECT_EQ(readable["data"]["a"], "1");
  EXPECT_EQ(error_of([&] { as_reader.remove(kube::configmaps(), ns(), "readable"); }).code(),
            ErrorCode::kPermissionDenied);
}

}  // namespace
}  // namespace sluice::testing
