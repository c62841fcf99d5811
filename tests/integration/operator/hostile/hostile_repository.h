#pragma once
// Hostile repositories for the operator tests (hostile_test.cpp), written straight into a bare
// repository with `git fast-import`: no working tree, so 100,000 files cost one stream. A
// 1 GiB file of zeros is deflated a MiB at a time into a pack of about 4.5 MiB (the
// decompression bomb: what the operator fetches is small, what it would inflate is not),
// never a file on disk or a string in the test's memory.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace sluice::testing {

struct HostileEntry {
  std::string path;
  std::string content;   // for a symlink: its target
  bool symlink = false;  // mode 120000
};

struct HostileTree {
  std::vector<HostileEntry> entries;
  // When not empty: one more file at this path, `zero_file_bytes` zero bytes long, streamed
  // from /dev/zero into fast-import.
  std::string zero_file;
  std::uint64_t zero_file_bytes = 0;
};

// Creates the bare repository `bare` (branch main) holding one commit of `tree`. Throws
// sluice::Error when git fails.
void import_hostile_repository(const std::filesystem::path& bare, const HostileTree& tree);

// The YAML documents of the cases.
std::string alias_bomb_yaml();              // billion laughs: 9^9 "lol"s from 90 nodes
std::string deeply_nested_yaml(int depth);  // a ConfigMap value nested `depth` flow levels
std::string kustomization_of(const std::string& body);  // kustomize's header plus `body`

}  // namespace sluice::testing
