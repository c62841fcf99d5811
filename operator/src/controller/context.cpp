#include "controller/context.h"

#include <random>

namespace sluice::controller {

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
