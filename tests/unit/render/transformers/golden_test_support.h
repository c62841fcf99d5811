#pragma once
// Golden tests for the transformers: testdata/transformers/<name>/input.yaml goes through one
// transformer and must print exactly as expected.yaml, which is kubectl kustomize's output for
// the same input and field (testdata/transformers/regenerate.sh).
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "core/object.h"
#include "core/yaml_reader.h"
#include "core/yaml_writer.h"
#include "test_helpers.h"

namespace sluice::render::testing {

inline std::string read_testdata(const std::string& relative) {
  return sluice::testing::read_text_file(std::string(SLUICE_TESTDATA_DIR) + "/" + relative);
}

// The documents of `yaml`, each as an Object.
inline std::vector<Object> objects_of(std::string_view yaml) {
  std::vector<Object> objects;
  for (Json& doc : parse_yaml_documents(yaml)) objects.emplace_back(std::move(doc));
  return objects;
}

inline std::vector<Object> golden_input(const std::string& name) {
  return objects_of(read_testdata("transformers/" + name + "/input.yaml"));
}

inline std::string print(const std::vector<Object>& objects) {
  std::vector<Json> docs;
  for (const Object& object : objects) docs.push_back(object.json());
  return write_yaml_documents(docs);
}

inline std::string golden_expected(const std::string& name) {
  return read_testdata("transformers/" + name + "/expected.yaml");
}

}  // namespace sluice::render::testing
