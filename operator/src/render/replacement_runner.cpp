#include "render/replacement_runner.h"

#include <utility>

#include "core/error.h"
#include "core/yaml_reader.h"
#include "render/go_json_decode.h"
#include "render/kustomization_go_types.h"
#include "render/name_history.h"
#include "render/transformers/replacements.h"

namespace sluice::render {

void apply_replacement_entries(const FileSystem& files, const std::filesystem::path& dir,
                               const std::vector<Kustomization::ReplacementEntry>& entries,
                               std::vector<Object>& resources) {
  if (entries.empty()) return;
  std::vector<transformers::Replacement> replacements;
  for (const Kustomization::ReplacementEntry& entry : entries) {
    if (entry.path.empty()) {
      replacements.push_back(entry.inline_replacement);
      continue;
    }
    try {
      const Json written = parse_yaml(files.read_named_file(dir, entry.path));
      const Json document =
          written.is_object() || written.is_array()
              ? go_json_decode(written, replacement_file_go_type(written.is_array()),
                               UnknownFields::kDrop)
              : written;
      for (transformers::Replacement& replacement :
           transformers::parse_replacement_file(document)) {
        replacements.push_back(std::move(replacement));
      }
    } catch (const Error& e) {
      throw e.with_context(entry.path);
    }
  }
  const auto ids = previous_ids(resources);
  transformers::apply_replacements(resources, replacements, &ids);
}

}  // namespace sluice::render
