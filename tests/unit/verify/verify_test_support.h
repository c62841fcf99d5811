#pragma once
// Reading the ssh-keygen fixtures in testdata/.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace sluice::verify::testing {

inline std::string testdata(const std::string& name) {
  std::ifstream in(std::filesystem::path(SLUICE_TESTDATA_DIR) / name, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// "ssh-ed25519 AAAA..." without the comment.
inline std::pair<std::string, std::string> public_key_fields(const std::string& name) {
  std::istringstream line(testdata(name));
  std::string type;
  std::string blob;
  line >> type >> blob;
  return {type, blob};
}

}  // namespace sluice::verify::testing
