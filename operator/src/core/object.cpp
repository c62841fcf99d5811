#include "core/object.h"

#include <charconv>
#include <vector>

#include "core/error.h"

namespace sluice {
namespace {

std::string describe_type(const Json& value) {
  return value.type_name();
}

const Json* member(const Json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

std::string expect_string(const Json* value, std::string_view field) {
  if (value == nullptr || value->is_null()) return {};
  if (!value->is_string()) {
    throw invalid_argument(std::string(field) + " must be a string, not " + describe_type(*value));
  }
  return value->get<std::string>();
}

}  // namespace

std::string GroupKind::to_string() const {
  return group.empty() ? kind : kind + "." + group;
}

GroupVersionKind GroupVersionKind::from_api_version(std::string_view api_version,
                                                    std::string kind) {
  const auto slash = api_version.find('/');
  if (slash == std::string_view::npos) return {"", std::string(api_version), std::move(kind)};
  return {std::string(api_version.substr(0, slash)), std::string(api_version.substr(slash + 1)),
          std::move(kind)};
}

std::string GroupVersionKind::api_version() const {
  return group.empty() ? version : group + "/" + version;
}

std::string GroupVersionKind::to_string() const {
  return api_version() + ", Kind=" + kind;
}

std::string ObjectId::to_string() const {
  return namespace_ + "_" + name + "_" + group_kind.group + "_" + group_kind.kind;
}

ObjectId ObjectId::parse(std::string_view text) {
  // Names, namespaces, groups and kinds never contain '_', so the split is unambiguous.
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (std::size_t end; (end = text.find('_', start)) != std::string_view::npos; start = end + 1) {
    parts.push_back(text.substr(start, end - start));
  }
  parts.push_back(text.substr(start));
  if (parts.size() != 4 || parts[1].empty() || parts[3].empty()) {
    throw invalid_argument("object id \"" + std::string(text) +
                           "\" is not <namespace>_<name>_<group>_<kind>");
  }
  return {
      {std::string(parts[2]), std::string(parts[3])}, std::string(parts[0]), std::string(parts[1])};
}

std::string ObjectRef::to_string() const {
  return namespace_.empty() ? kind + "/" + name : kind + "/" + namespace_ + "/" + name;
}

Object::Object(Json json) : json_(std::move(json)) {
  if (!json_.is_object()) {
    throw invalid_argument("a Kubernetes object must be a map, not " + describe_type(json_));
  }
}

GroupVersionKind Object::gvk() const {
  return GroupVersionKind::from_api_version(api_version(), kind());
}

std::string Object::name() const {
  return metadata_string("name");
}
std::string Object::namespace_name() const {
  return metadata_string("namespace");
}

ObjectId Object::id() const {
  return {gvk().group_kind(), namespace_name(), name()};
}

std::optional<std::string> Object::label(std::string_view key) const {
  const StringMap all = labels();
  const auto it = all.find(key);
  return it == all.end() ? std::nullopt : std::optional<std::string>(it->second);
}

std::optional<std::string> Object::annotation(std::string_view key) const {
  const StringMap all = annotations();
  const auto it = all.find(key);
  return it == all.end() ? std::nullopt : std::optional<std::string>(it->second);
}

void Object::set_namespace(std::string_view value) {
  if (value.empty()) {
    if (auto* metadata = member(json_, "metadata"); metadata != nullptr && metadata->is_object()) {
      json_["metadata"].erase("namespace");
    }
    return;
  }
  json_["metadata"]["namespace"] = value;
}

void Object::set_label(std::string_view key, std::string_view value) {
  json_["metadata"]["labels"][std::string(key)] = value;
}

void Object::set_annotation(std::string_view key, std::string_view value) {
  json_["metadata"]["annotations"][std::string(key)] = value;
}

void Object::remove_annotation(std::string_view key) {
  const Json* metadata = member(json_, "metadata");
  if (member(metadata == nullptr ? Json() : *metadata, "annotations") == nullptr) return;
  json_["metadata"]["annotations"].erase(std::string(key));
}

const Json* Object::find(const Json::json_pointer& pointer) const noexcept {
  // Walked by hand: json::contains/at throw on malformed array indices, and a lookup that
  // cannot match is simply "not there".
  const std::string path = pointer.to_string();
  const Json* current = &json_;
  std::size_t start = 1;
  while (start <= path.size() && !path.empty()) {
    const auto end = std::min(path.find('/', start), path.size());
    std::string token;
    for (std::size_t i = start; i < end; ++i) {
      if (path[i] == '~' && i + 1 < end) {
        token.push_back(path[i + 1] == '1' ? '/' : '~');
        ++i;
      } else {
        token.push_back(path[i]);
      }
    }
    if (current->is_object()) {
      const auto it = current->find(token);
      if (it == current->end()) return nullptr;
      current = &*it;
    } else if (current->is_array()) {
      std::size_t index = 0;
      const auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), index);
      if (ec != std::errc() || ptr != token.data() + token.size() || token.empty() ||
          index >= current->size()) {
        return nullptr;
      }
      current = &(*current)[index];
    } else {
      return nullptr;
    }
    start = end + 1;
  }
  return current;
}

std::string Object::string_at(std::string_view key) const {
  return expect_string(member(json_, key), key);
}

std::string Object::metadata_string(std::string_view key) const {
  const Json* metadata = member(json_, "metadata");
  return expect_string(metadata == nullptr ? nullptr : member(*metadata, key),
                       "metadata." + std::string(key));
}

StringMap Object::string_map_at(std::string_view metadata_key) const {
  StringMap result;
  const Json* metadata = member(json_, "metadata");
  const Json* map = metadata == nullptr ? nullptr : member(*metadata, metadata_key);
  if (map == nullptr || map->is_null()) return result;
  const std::string field = "metadata." + std::string(metadata_key);
  if (!map->is_object()) throw invalid_argument(field + " must be a map");
  for (const auto& [key, value] : map->items()) {
    result.emplace(key, expect_string(&value, field + "." + key));
  }
  return result;
}

const Json* find_member(const Json& json, std::initializer_list<std::string_view> keys) noexcept {
  const Json* at = &json;
  for (const std::string_view key : keys) {
    if (!at->is_object()) return nullptr;
    const auto it = at->find(key);
    if (it == at->end() || it->is_null()) return nullptr;
    at = &*it;
  }
  return at;
}

std::string string_member(const Json& json, std::initializer_list<std::string_view> keys) {
  const Json* value = find_member(json, keys);
  return value != nullptr && value->is_string() ? value->get<std::string>() : std::string();
}

}  // namespace sluice
