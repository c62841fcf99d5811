#include "render/name_history.h"

#include <unordered_set>

#include "core/error.h"
#include "render/hidden_keys.h"
#include "render/resource_id.h"
#include "render/transformers/name_hash.h"
#include "render/transformers/namespace.h"
#include "render/transformers/prefix_suffix.h"

namespace sluice::render {
namespace {

std::vector<std::string> string_list(const Object& object, std::string_view key) {
  const auto found = object.json().find(key);
  if (found == object.json().end()) return {};
  return found->get<std::vector<std::string>>();
}

// The ids stored so far (an empty list when none was).
const Json& stored_ids(const Object& object) {
  static const Json none = Json::array();
  const Json& json = object.json();
  return json.contains(kPreviousIdsKey) ? json.at(std::string(kPreviousIdsKey)) : none;
}

}  // namespace

std::vector<std::string> previous_names(const Object& object) {
  std::vector<std::string> names;
  for (const Json& id : stored_ids(object)) names.push_back(id.at(0).get<std::string>());
  return names;
}

std::optional<std::string> original_namespace(const Object& object) {
  const Json& ids = stored_ids(object);
  if (ids.empty()) return std::nullopt;
  return ids.at(0).at(1).get<std::string>();
}

void store_previous_id(Object& object, const std::string& name, const std::string& namespace_) {
  object.json()[std::string(kPreviousIdsKey)].push_back(Json::array({name, namespace_}));
}

void rename_with_history(std::vector<Object>& objects, std::string_view prefix,
                         std::string_view suffix) {
  for (const bool is_prefix : {true, false}) {
    const std::string_view affix = is_prefix ? prefix : suffix;
    if (affix.empty()) continue;
    std::vector<std::string> before;
    before.reserve(objects.size());
    for (const Object& object : objects) before.push_back(object.name());
    transformers::add_name_prefix_suffix(objects, is_prefix ? affix : "", is_prefix ? "" : affix);
    for (std::size_t i = 0; i < objects.size(); ++i) {
      if (objects[i].name() == before[i]) continue;
      store_previous_id(objects[i], before[i], objects[i].namespace_name());
      objects[i].json()[std::string(is_prefix ? kNamePrefixesKey : kNameSuffixesKey)].push_back(
          affix);
    }
  }
}

void set_namespace_with_history(std::vector<Object>& objects, const std::string& namespace_) {
  if (namespace_.empty()) return;
  for (Object& object : objects) {
    store_previous_id(object, object.name(), object.namespace_name());
  }
  transformers::set_namespace(objects, namespace_);
  // Two resources that differed only by namespace are now one id (kustomize checks after each).
  std::unordered_set<std::string> ids;
  for (const Object& object : objects) {
    const ResourceId id = ResourceId::of(object);
    if (!ids.insert(id.equality_key()).second) {
      throw invalid_argument("namespace transformation produces ID conflict: " + id.to_string());
    }
  }
}

std::vector<transformers::OriginalId> original_ids(const std::vector<Object>& objects) {
  std::vector<transformers::OriginalId> ids;
  ids.reserve(objects.size());
  for (const Object& object : objects) {
    const std::vector<std::string> names = previous_names(object);
    ids.push_back({names.empty() ? object.name() : names.front(),
                   original_namespace(object).value_or(object.namespace_name())});
  }
  return ids;
}

std::vector<std::vector<transformers::OriginalId>> previous_ids(
    const std::vector<Object>& objects) {
  std::vector<std::vector<transformers::OriginalId>> out;
  out.reserve(objects.size());
  for (const Object& object : objects) {
    std::vector<transformers::OriginalId> ids;
    for (const Json& id : stored_ids(object)) {
      ids.push_back({id.at(0).get<std::string>(), id.at(1).get<std::string>()});
    }
    out.push_back(std::move(ids));
  }
  return out;
}

std::vector<transformers::NameHistory> name_histories(const std::vector<Object>& objects) {
  const std::vector<transformers::OriginalId> originals = original_ids(objects);
  std::vector<transformers::NameHistory> histories;
  histories.reserve(objects.size());
  for (std::size_t i = 0; i < objects.size(); ++i) {
    histories.push_back({previous_names(objects[i]), originals[i].namespace_,
                         string_list(objects[i], kNamePrefixesKey),
                         string_list(objects[i], kNameSuffixesKey)});
  }
  return histories;
}

void set_replicas_by_any_name(std::vector<Object>& objects,
                              const std::vector<transformers::ReplicaCount>& replicas) {
  if (replicas.empty()) return;
  std::vector<std::vector<std::string>> names;
  names.reserve(objects.size());
  for (const Object& object : objects) names.push_back(previous_names(object));
  transformers::set_replicas(objects, replicas, &names);
}

void add_name_hashes(std::vector<Object>& objects) {
  for (Object& object : objects) {
    if (!object.json().contains(std::string(kNeedsHashKey))) continue;
    const std::string before = object.name();
    object.set_name(before + "-" + transformers::name_hash(object));
    store_previous_id(object, before, object.namespace_name());
  }
}

void strip_history(Object& object) {
  for (const std::string_view key :
       {kPreviousIdsKey, kNeedsHashKey, kNamePrefixesKey, kNameSuffixesKey}) {
    object.json().erase(std::string(key));
  }
}

}  // namespace sluice::render
