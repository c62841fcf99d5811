#include "render/name_history.h"

#include <algorithm>
#include <charconv>
#include <system_error>
#include <unordered_set>

#include "core/error.h"
#include "render/hidden_keys.h"
#include "render/resource_id.h"
#include "render/transformers/name_hash.h"
#include "render/transformers/namespace.h"
#include "render/transformers/prefix_suffix.h"

namespace sluice::render {
namespace {

// A list of strings packed into one JSON string, each as its decimal byte length, ':' and its
// bytes. The history of a resource costs one allocation this way; as JSON arrays of pairs it
// was about a third of the renderer's peak heap.
void append_packed(Json& slot, std::string_view value) {
  if (!slot.is_string()) slot = std::string();
  std::string& packed = slot.get_ref<std::string&>();
  packed += std::to_string(value.size());
  packed += ':';
  packed += value;
}

// The list under `key`. Resources are read without hidden keys, but a patch can still add one;
// anything append_packed did not write is refused with a clear error.
std::vector<std::string> unpacked(const Object& object, std::string_view key) {
  std::vector<std::string> values;
  const auto found = object.json().find(key);
  if (found == object.json().end()) return values;
  const auto malformed = [&] {
    return invalid_argument("resource '" + object.name() + "' has a top-level key \"" +
                            printable_hidden_key(key) +
                            "\" that sluice reserves for its build state");
  };
  if (!found->is_string()) throw malformed();
  const std::string_view packed = found->get_ref<const std::string&>();
  // Two passes, counting first: these lists are held for every resource at once.
  for (const bool store : {false, true}) {
    std::size_t count = 0;
    for (std::size_t at = 0; at < packed.size(); ++count) {
      const std::size_t colon = packed.find(':', at);
      if (colon == std::string_view::npos) throw malformed();
      std::size_t size = 0;
      const char* const digits_end = packed.data() + colon;
      const auto [end, error] = std::from_chars(packed.data() + at, digits_end, size);
      if (error != std::errc() || end != digits_end || size > packed.size() - colon - 1) {
        throw malformed();
      }
      if (store) values.emplace_back(packed.substr(colon + 1, size));
      at = colon + 1 + size;
    }
    if (!store) values.reserve(count);
  }
  return values;
}

// The stored ids, flattened: name, namespace, kind, name, ...
std::vector<std::string> stored_ids(const Object& object) {
  return unpacked(object, kPreviousIdsKey);
}

// Fields per stored id.
constexpr std::size_t kIdFields = 3;

}  // namespace

std::vector<std::string> previous_names(const Object& object) {
  std::vector<std::string> stored = stored_ids(object);
  std::vector<std::string> names;
  names.reserve(stored.size() / kIdFields);
  for (std::size_t i = 0; i + kIdFields <= stored.size(); i += kIdFields) {
    names.push_back(std::move(stored[i]));
  }
  return names;
}

std::optional<std::string> original_namespace(const Object& object) {
  std::vector<std::string> stored = stored_ids(object);
  if (stored.size() < kIdFields) return std::nullopt;
  return std::move(stored[1]);
}

std::vector<ResourceId> all_ids(const Object& object) {
  const std::vector<std::string> stored = stored_ids(object);
  std::vector<ResourceId> ids;
  ids.reserve(stored.size() / kIdFields + 1);
  const ResourceId current = ResourceId::of(object);
  for (std::size_t i = 0; i + kIdFields <= stored.size(); i += kIdFields) {
    ResourceId id = current;
    id.name = stored[i];
    id.namespace_ = stored[i + 1];
    id.gvk.kind = stored[i + 2];
    ids.push_back(std::move(id));
  }
  ids.push_back(current);
  return ids;
}

void store_previous_id(Object& object, const std::string& name, const std::string& namespace_,
                       const std::string& kind) {
  Json& slot = object.json()[std::string(kPreviousIdsKey)];
  append_packed(slot, name);
  append_packed(slot, namespace_);
  append_packed(slot, kind);
}

void rename_with_history(std::vector<Object>& objects, std::string_view prefix,
                         std::string_view suffix, const std::vector<FieldSpec>& prefix_specs,
                         const std::vector<FieldSpec>& suffix_specs) {
  for (const bool is_prefix : {true, false}) {
    const std::string_view affix = is_prefix ? prefix : suffix;
    if (affix.empty()) continue;
    std::vector<GroupVersionKind> original_gvks;
    original_gvks.reserve(objects.size());
    for (const Object& object : objects) {
      const std::vector<std::string> stored = stored_ids(object);
      GroupVersionKind gvk = object.gvk();
      if (stored.size() >= kIdFields) gvk.kind = stored[2];
      original_gvks.push_back(std::move(gvk));
    }
    const std::string affixes_key(is_prefix ? kNamePrefixesKey : kNameSuffixesKey);
    transformers::add_affix(objects, affix, is_prefix, is_prefix ? prefix_specs : suffix_specs,
                            original_gvks, [&](Object& object) {
                              append_packed(object.json()[affixes_key], affix);
                              store_previous_id(object, object.name(), object.namespace_name(),
                                                object.kind());
                            });
  }
}

void set_namespace_with_history(std::vector<Object>& objects, const std::string& namespace_) {
  set_namespace_with_history(objects, transformers::default_namespace_config(namespace_));
}

void set_namespace_with_history(std::vector<Object>& objects,
                                const transformers::NamespaceConfig& config) {
  if (config.namespace_.empty()) return;
  for (Object& object : objects) {
    store_previous_id(object, object.name(), object.namespace_name(), object.kind());
  }
  transformers::set_namespace_configured(objects, config);
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
    std::vector<std::string> stored = stored_ids(object);
    if (stored.size() < kIdFields) {
      ids.push_back({object.name(), object.namespace_name()});
    } else {
      ids.push_back({std::move(stored[0]), std::move(stored[1])});
    }
  }
  return ids;
}

std::vector<std::vector<transformers::OriginalId>> previous_ids(
    const std::vector<Object>& objects) {
  std::vector<std::vector<transformers::OriginalId>> out;
  out.reserve(objects.size());
  for (const Object& object : objects) {
    std::vector<std::string> stored = stored_ids(object);
    std::vector<transformers::OriginalId> ids;
    ids.reserve(stored.size() / kIdFields);
    for (std::size_t i = 0; i + kIdFields <= stored.size(); i += kIdFields) {
      ids.push_back({std::move(stored[i]), std::move(stored[i + 1])});
    }
    out.push_back(std::move(ids));
  }
  return out;
}

std::vector<transformers::NameHistory> name_histories(const std::vector<Object>& objects) {
  std::vector<transformers::NameHistory> histories;
  histories.reserve(objects.size());
  for (const Object& object : objects) {
    std::vector<std::string> ids = stored_ids(object);
    transformers::NameHistory history;
    history.original_namespace =
        ids.size() >= kIdFields ? std::move(ids[1]) : object.namespace_name();
    // Each distinct name once: a namespace transformer and a prefix often store the same one.
    std::vector<std::string>& names = history.previous_names;
    for (std::size_t i = 0; i + kIdFields <= ids.size(); i += kIdFields) {
      if (std::find(names.begin(), names.end(), ids[i]) == names.end()) {
        names.push_back(std::move(ids[i]));
      }
    }
    names.shrink_to_fit();
    history.prefixes = unpacked(object, kNamePrefixesKey);
    history.suffixes = unpacked(object, kNameSuffixesKey);
    histories.push_back(std::move(history));
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
    store_previous_id(object, before, object.namespace_name(), object.kind());
  }
}

void strip_history(Object& object) {
  for (const std::string_view key :
       {kPreviousIdsKey, kNeedsHashKey, kNamePrefixesKey, kNameSuffixesKey}) {
    object.json().erase(std::string(key));
  }
}

}  // namespace sluice::render
