#include "controller/context.h"

#include <random>

#include "api/group.h"

namespace sluice::controller {

kube::Resource sluice_resource(std::string_view plural, bool namespaced) {
  return {std::string(api::kGroup), std::string(api::kVersion), std::string(plural), namespaced};
}

std::int64_t generation_of(const Json& object) {
  const Json* generation = find_member(object, {"metadata", "generation"});
  return generation != nullptr && generation->is_number_integer() ? generation->get<std::int64_t>()
                                                                  : 0;
}

std::string object_key(const std::string& ns, const std::string& name) {
  return ns.empty() ? name : ns + "/" + name;
}

std::string object_key(const Json& object) {
  return object_key(string_member(object, {"metadata", "namespace"}),
                    string_member(object, {"metadata", "name"}));
}

std::pair<std::string, std::string> split_key(const std::string& key) {
  const auto slash = key.find('/');
  if (slash == std::string::npos) return {"", key};
  return {key.substr(0, slash), key.substr(slash + 1)};
}

Duration with_jitter(Duration interval, double fraction) {
  thread_local std::mt19937_64 random(std::random_device{}());
  std::uniform_real_distribution<double> factor(1.0 - fraction, 1.0 + fraction);
  return std::chrono::duration_cast<Duration>(interval * factor(random));
}

}  // namespace sluice::controller
