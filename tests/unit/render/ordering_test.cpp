#include "render/ordering.h"

#include <gtest/gtest.h>

namespace sluice::render {
namespace {

Object make(std::string api_version, std::string kind, std::string name, std::string ns = "") {
  Json json = {{"apiVersion", api_version}, {"kind", kind}, {"metadata", {{"name", name}}}};
  if (!ns.empty()) json["metadata"]["namespace"] = ns;
  return Object(std::move(json));
}

std::vector<std::string> names(const std::vector<Object>& objects) {
  std::vector<std::string> out;
  for (const Object& object : objects) out.push_back(object.name());
  return out;
}

std::vector<Object> sample() {
  return {
      make("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration", "vwc"),
      make("example.com/v1", "Widget", "widget"),
      make("apps/v1", "Deployment", "deploy"),
      make("v1", "ConfigMap", "cm-a", "a"),
      make("v1", "ConfigMap", "cm-ab", "a-b"),
      make("v1", "Namespace", "ns"),
      make("batch/v1", "Job", "job"),
      make("admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration", "mwc"),
      make("other.example.com/v1", "Deployment", "other-deploy"),
  };
}

TEST(OrderingTest, LegacyDefaultOrder) {
  std::vector<Object> objects = sample();
  sort_resources(objects, std::nullopt);
  // Kinds in the first list, in list order ("a-b" before "a": '-' sorts before '|'); same kind
  // in different groups by "group_version_kind"; unlisted kinds by that string; webhooks last.
  EXPECT_EQ(names(objects),
            (std::vector<std::string>{"ns", "cm-ab", "cm-a", "deploy", "other-deploy", "job",
                                      "widget", "mwc", "vwc"}));
}

TEST(OrderingTest, FifoKeepsOrder) {
  std::vector<Object> objects = sample();
  SortOptions fifo;
  fifo.order = SortOptions::Order::kFifo;
  sort_resources(objects, fifo);
  EXPECT_EQ(names(objects), names(sample()));
}

TEST(OrderingTest, LegacyWithCustomLists) {
  std::vector<Object> objects = sample();
  SortOptions custom;
  custom.has_legacy_options = true;
  custom.order_first = {"Job", "ValidatingWebhookConfiguration"};
  custom.order_last = {"Namespace"};
  sort_resources(objects, custom);
  // Unlisted kinds all rank 0 and sort by "group_version_kind", where the core group's "~G"
  // comes after every named group.
  EXPECT_EQ(names(objects), (std::vector<std::string>{"job", "vwc", "mwc", "deploy", "widget",
                                                      "other-deploy", "cm-ab", "cm-a", "ns"}));
}

}  // namespace
}  // namespace sluice::render
