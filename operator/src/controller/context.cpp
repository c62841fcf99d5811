#include "controller/context.h"

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

}  // namespace sluice::controller
