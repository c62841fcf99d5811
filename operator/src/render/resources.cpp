#include "render/resources.h"

#include "core/error.h"
#include "core/yaml_reader.h"
#include "render/hidden_keys.h"
#include "render/metadata_maps.h"
#include "render/resource_id.h"

namespace sluice::render {
namespace {

// One document of a resource file, with `List` kinds expanded into their items as kustomize
// does (any kind ending in "List" that carries an `items` list).
void add_document(Json doc, std::vector<Object>& out, std::size_t depth = 0) {
  if (!doc.is_object()) throw invalid_argument("a resource must be a YAML map");
  const auto kind_field = doc.find("kind");
  const std::string kind = kind_field != doc.end() && kind_field->is_string()
                               ? kind_field->get<std::string>()
                               : std::string();
  if (kind.empty()) throw invalid_argument("missing kind in a resource");
  const auto items = doc.find("items");
  if (kind.ends_with("List") && items != doc.end() && items->is_array()) {
    if (depth > 10) throw invalid_argument("List kinds nested too deeply");
    for (Json& item : *items) add_document(std::move(item), out, depth + 1);
    return;
  }
  // kustomize requires a name (generateName is not enough), though it accepts any non-empty
  // scalar there.
  bool has_name = false;
  if (doc.contains("metadata") && doc.at("metadata").is_object() &&
      doc.at("metadata").contains("name")) {
    const Json& name = doc.at("metadata").at("name");
    has_name = !name.is_null() && !(name.is_string() && name.get_ref<const std::string&>().empty());
  }
  if (!has_name) {
    throw invalid_argument("missing metadata.name in a " + kind + " resource");
  }
  for (const auto& [key, value] : doc.items()) {
    if (key.starts_with(kHiddenKeyPrefix)) {
      throw invalid_argument("a " + kind + " resource has the top-level key \"" +
                             printable_hidden_key(key) +
                             "\": keys starting with U+0001 are reserved for sluice's build state");
    }
  }
  out.emplace_back(std::move(doc));
}

}  // namespace

std::vector<Object> parse_resources(std::string_view text) {
  std::vector<Object> out;
  for (Json& doc : parse_yaml_documents(text)) {
    if (!doc.is_null()) add_document(std::move(doc), out);
  }
  return out;
}

void drop_local_configs(std::vector<Object>& objects) {
  std::erase_if(objects, [](const Object& object) {
    const Json* annotations = find_member(object.json(), {"metadata", "annotations"});
    constexpr std::string_view kLocalConfig = "config.kubernetes.io/local-config";
    if (annotations == nullptr || !annotations->contains(kLocalConfig)) return false;
    return kyaml_text(annotations->at(std::string(kLocalConfig))) != "false";
  });
}

void Accumulator::append(std::vector<Object> more) {
  if (stale_) reindex();
  for (Object& object : more) {
    const ResourceId id = ResourceId::of(object);
    if (!ids_.insert(id.equality_key()).second) {
      throw invalid_argument("may not add resource with an already registered id: " +
                             id.to_string());
    }
    objects_.push_back(std::move(object));
  }
}

void Accumulator::reindex() {
  ids_.clear();
  for (const Object& object : objects_) ids_.insert(ResourceId::of(object).equality_key());
  stale_ = false;
}

}  // namespace sluice::render
