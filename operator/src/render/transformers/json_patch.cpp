#include "render/transformers/json_patch.h"

#include <algorithm>
#include <charconv>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"

namespace sluice::render::transformers {
namespace {

// A copy may not nest a value deeper than this below the document root: the YAML reader keeps
// documents and patch values within 100 levels, and everything after the patch walks trees
// recursively.
constexpr std::size_t kMaxDepthAfterCopy = 200;

// RFC 6901 unescaping, as the Go library does it: "~1" is '/', then "~0" is '~', scanning once.
std::string decode_token(std::string_view token) {
  std::string out;
  out.reserve(token.size());
  for (std::size_t i = 0; i < token.size(); ++i) {
    if (token[i] == '~' && i + 1 < token.size() && (token[i + 1] == '0' || token[i + 1] == '1')) {
      out += token[i + 1] == '1' ? '/' : '~';
      ++i;
    } else {
      out += token[i];
    }
  }
  return out;
}

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (std::size_t slash = path.find('/'); slash != std::string_view::npos;
       slash = path.find('/', start)) {
    parts.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  parts.push_back(path.substr(start));
  return parts;
}

// Go's strconv.Atoi: an optional sign and decimal digits that fit in 64 bits.
std::optional<long long> go_atoi(std::string_view text) {
  std::string_view digits = text;
  if (!digits.empty() && (digits.front() == '+' || digits.front() == '-')) digits.remove_prefix(1);
  if (digits.empty()) return std::nullopt;
  for (const char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  long long value = 0;
  const std::string_view number = text.front() == '+' ? text.substr(1) : text;
  const auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (error != std::errc() || end != number.data() + number.size()) return std::nullopt;
  return value;
}

// The element an index names in a list of `size` (negative ones count from the end), for get,
// replace and remove; nullopt when there is none.
std::optional<std::size_t> existing_index(std::string_view key, std::size_t size) {
  const std::optional<long long> parsed = go_atoi(key);
  if (!parsed) return std::nullopt;
  long long index = *parsed;
  const auto length = static_cast<long long>(size);
  if (index < 0) {
    if (index < -length) return std::nullopt;
    index += length;
  }
  if (index >= length) return std::nullopt;
  return static_cast<std::size_t>(index);
}

// Where `add` inserts into a list of `size`: "-" and one past the end append, and negative
// indices count from the end of the list as it will be.
std::size_t insertion_index(std::string_view key, std::size_t size, const std::string& path) {
  if (key == "-") return size;
  const std::optional<long long> parsed = go_atoi(key);
  if (!parsed) {
    throw invalid_argument("value was not a proper array index: '" + std::string(key) +
                           "' (path '" + path + "')");
  }
  long long index = *parsed;
  const auto length = static_cast<long long>(size) + 1;
  if (index >= length || index < -length) {
    throw invalid_argument("Unable to access invalid index: " + std::to_string(index) + " (path '" +
                           path + "')");
  }
  if (index < 0) index += length;
  return static_cast<std::size_t>(index);
}

// The map or list a path's last segment is looked up in, with that segment decoded.
struct Location {
  Json* container = nullptr;
  std::string key;
  std::size_t depth = 0;  // of the named value below the root
};

// The Go library's findObject: nullopt when the path has no '/' or a segment before the last
// does not lead to an existing map or list.
std::optional<Location> locate(Json& document, std::string_view path) {
  const std::vector<std::string_view> parts = split_path(path);
  if (parts.size() < 2) return std::nullopt;
  Json* current = &document;
  for (std::size_t i = 1; i + 1 < parts.size(); ++i) {
    const std::string key = decode_token(parts[i]);
    Json* next = nullptr;
    if (current->is_object()) {
      const auto found = current->find(key);
      if (found != current->end()) next = &*found;
    } else if (current->is_array()) {
      if (const auto index = existing_index(key, current->size())) next = &(*current)[*index];
    }
    if (next == nullptr || !next->is_structured()) return std::nullopt;
    current = next;
  }
  return Location{current, decode_token(parts.back()), parts.size() - 1};
}

// The value at a location: nullptr for a missing map key (or a null); throws for a list index
// that names no element.
const Json* value_at(const Location& at) {
  if (at.container->is_object()) {
    const auto found = at.container->find(at.key);
    return found == at.container->end() || found->is_null() ? nullptr : &*found;
  }
  const auto index = existing_index(at.key, at.container->size());
  if (!index) throw invalid_argument("Unable to access invalid index: " + at.key);
  const Json& element = (*at.container)[*index];
  return element.is_null() ? nullptr : &element;
}

void add_at(const Location& at, Json value, const std::string& path) {
  if (at.container->is_object()) {
    (*at.container)[at.key] = std::move(value);
    return;
  }
  auto& list = at.container->get_ref<Json::array_t&>();
  const std::size_t index = insertion_index(at.key, list.size(), path);
  list.insert(list.begin() + static_cast<std::ptrdiff_t>(index), std::move(value));
}

void remove_at(const Location& at, const std::string& path) {
  if (at.container->is_object()) {
    const auto found = at.container->find(at.key);
    if (found == at.container->end()) {
      throw invalid_argument("error in remove for path: '" + path +
                             "': Unable to remove nonexistent key: " + at.key);
    }
    at.container->erase(found);
    return;
  }
  const auto index = existing_index(at.key, at.container->size());
  if (!index) {
    throw invalid_argument("error in remove for path: '" + path +
                           "': Unable to access invalid index: " + at.key);
  }
  auto& list = at.container->get_ref<Json::array_t&>();
  list.erase(list.begin() + static_cast<std::ptrdiff_t>(*index));
}

std::string string_field(const Json& operation, const char* field, const char* missing) {
  const auto found = operation.find(field);
  if (found == operation.end() || found->is_null()) throw invalid_argument(missing);
  if (!found->is_string()) throw invalid_argument(std::string(field) + " must be a string");
  return found->get<std::string>();
}

// Nodes in `value` and how deep it nests, without recursion.
std::pair<std::size_t, std::size_t> size_and_depth(const Json& value) {
  std::size_t nodes = 0;
  std::size_t depth = 0;
  std::vector<std::pair<const Json*, std::size_t>> pending = {{&value, 1}};
  while (!pending.empty()) {
    const auto [node, level] = pending.back();
    pending.pop_back();
    ++nodes;
    depth = std::max(depth, level);
    if (node->is_structured()) {
      for (const Json& child : *node) pending.emplace_back(&child, level + 1);
    }
  }
  return {nodes, depth};
}

class Patcher {
 public:
  explicit Patcher(Json document) : document_(std::move(document)) {}

  void apply(const Json& operation) {
    const auto op = operation.find("op");
    const std::string kind =
        op != operation.end() && op->is_string() ? op->get<std::string>() : std::string("unknown");
    const auto value = operation.find("value");
    const Json* given = value == operation.end() ? nullptr : &*value;
    if (kind == "add") {
      add(path_of(operation), given);
    } else if (kind == "remove") {
      remove(path_of(operation));
    } else if (kind == "replace") {
      replace(path_of(operation), given);
    } else if (kind == "move") {
      move(from_of(operation), path_of(operation));
    } else if (kind == "copy") {
      copy(from_of(operation), path_of(operation));
    } else if (kind == "test") {
      test(path_of(operation), given);
    } else {
      throw invalid_argument("Unexpected kind: " + kind);
    }
  }

  Json take() && { return std::move(document_); }

 private:
  static std::string path_of(const Json& operation) {
    return string_field(operation, "path", "operation missing path field");
  }
  static std::string from_of(const Json& operation) {
    return string_field(operation, "from", "operation, missing from field");
  }

  void add(const std::string& path, const Json* value) {
    const auto at = locate(document_, path);
    if (!at) {
      throw invalid_argument("add operation does not apply: doc is missing path: \"" + path + "\"");
    }
    add_at(*at, value == nullptr ? Json() : *value, path);
  }

  void remove(const std::string& path) {
    const auto at = locate(document_, path);
    if (!at) {
      throw invalid_argument("remove operation does not apply: doc is missing path: \"" + path +
                             "\"");
    }
    remove_at(*at, path);
  }

  void replace(const std::string& path, const Json* value) {
    if (path.empty()) {
      // kustomize crashes on a missing value here.
      if (value == nullptr || !value->is_structured()) {
        throw invalid_argument("replace operation value must be object or array");
      }
      document_ = *value;
      return;
    }
    const auto at = locate(document_, path);
    if (!at) {
      throw invalid_argument("replace operation does not apply: doc is missing path: " + path);
    }
    if (at->container->is_object()) {
      (*at->container)[at->key] = value == nullptr ? Json() : *value;
      return;
    }
    const auto index = existing_index(at->key, at->container->size());
    if (!index) {
      throw invalid_argument("replace operation does not apply: doc is missing key: " + path);
    }
    (*at->container)[*index] = value == nullptr ? Json() : *value;
  }

  void move(const std::string& from, const std::string& path) {
    const auto source = locate(document_, from);
    if (!source) {
      throw invalid_argument("move operation does not apply: doc is missing from path: " + from);
    }
    const Json* found = value_at(*source);
    Json moved = found == nullptr ? Json() : *found;
    remove_at(*source, from);
    const auto target = locate(document_, path);
    if (!target) {
      throw invalid_argument("move operation does not apply: doc is missing destination path: " +
                             path);
    }
    add_at(*target, std::move(moved), path);
  }

  void copy(const std::string& from, const std::string& path) {
    const auto source = locate(document_, from);
    if (!source) {
      throw invalid_argument("copy operation does not apply: doc is missing from path: " + from);
    }
    const Json* found = value_at(*source);
    Json copied = found == nullptr ? Json() : *found;
    const auto target = locate(document_, path);
    if (!target) {
      throw invalid_argument("copy operation does not apply: doc is missing destination path: " +
                             path);
    }
    const auto [nodes, depth] = size_and_depth(copied);
    copied_nodes_ += nodes;
    if (copied_nodes_ > kMaxJsonPatchCopiedNodes) {
      throw resource_exhausted("JSON patch copies more than " +
                               std::to_string(kMaxJsonPatchCopiedNodes) + " nodes");
    }
    if (target->depth + depth > kMaxDepthAfterCopy) {
      throw resource_exhausted("JSON patch copy to " + path + " nests deeper than " +
                               std::to_string(kMaxDepthAfterCopy) + " levels");
    }
    add_at(*target, std::move(copied), path);
  }

  void test(const std::string& path, const Json* value) {
    const Json* actual = &document_;
    if (!path.empty()) {
      const auto at = locate(document_, path);
      if (!at) throw invalid_argument("test operation does not apply: is missing path: " + path);
      actual = value_at(*at);
    }
    if (actual == nullptr) {
      // kustomize crashes on a missing value here.
      if (value == nullptr) throw invalid_argument("test operation at " + path + " has no value");
      if (value->is_null()) return;
    } else if (value != nullptr && *actual == *value) {
      return;
    }
    throw invalid_argument("testing value " + path + " failed");
  }

  Json document_;
  std::size_t copied_nodes_ = 0;
};

}  // namespace

Json apply_json_patch(Json document, const Json& operations) {
  Patcher patcher(std::move(document));
  for (const Json& operation : operations) patcher.apply(operation);
  return std::move(patcher).take();
}

}  // namespace sluice::render::transformers
