#pragma once
// Reading the ssh-keygen fixtures in testdata/.
#include <filesystem>
#include <sstream>
#include <string>

#include "test_helpers.h"

namespace sluice::verify::testing {

inline std::string testdata(const std::string& name) {
  return sluice::testing::read_text_file(std::filesystem::path(SLUICE_TESTDATA_DIR) / name);
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
