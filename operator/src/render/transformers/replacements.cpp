#include "render/transformers/replacements.h"

#include <algorithm>
#include <cmath>
#include <regex>
#include <string_view>

#include "core/error.h"
#include "core/go_format.h"
#include "core/yaml_resolve.h"
#include "render/resource_id.h"

namespace sluice::render::transformers {
namespace {

constexpr std::string_view kDefaultFieldPath = "metadata.name";
// Bounds a target's `[name=regex]` so an untrusted pattern stays cheap for std::regex.
constexpr std::size_t kMaxPatternLength = 256;

// ---- parsing -------------------------------------------------------------------------------

void check_fields(const Json& item, std::string_view what,
                  std::initializer_list<std::string_view> fields) {
  if (!item.is_object()) {
    throw invalid_argument("invalid Kustomization: replacements: " + std::string(what) +
                           " must be a map");
  }
  for (const auto& [key, value] : item.items()) {
    if (std::find(fields.begin(), fields.end(), key) == fields.end()) {
      throw invalid_argument("invalid Kustomization: json: unknown field \"" + key + "\"");
    }
  }
}

bool present(const Json& item, std::string_view name) {
  const auto it = item.find(std::string(name));
  return it != item.end() && !it->is_null();
}

std::string string_of(const Json& item, std::string_view name) {
  if (!present(item, name)) return {};
  const Json& value = item.at(std::string(name));
  if (!value.is_string()) {
    throw invalid_argument("invalid Kustomization: replacements: field '" + std::string(name) +
                           "' must be a string");
  }
  return value.get<std::string>();
}

ResIdSelector parse_id(const Json& item) {
  return {string_of(item, "group"), string_of(item, "version"), string_of(item, "kind"),
          string_of(item, "name"), string_of(item, "namespace")};
}

ResourceSelector parse_selector(const Json& item, std::string_view what) {
  check_fields(
      item, what,
      {"group", "version", "kind", "name", "namespace", "labelSelector", "annotationSelector"});
  return {parse_id(item), string_of(item, "labelSelector"), string_of(item, "annotationSelector")};
}

FieldOptions parse_options(const Json& item) {
  FieldOptions options;
  if (!present(item, "options")) return options;
  const Json& json = item.at("options");
  check_fields(json, "options", {"delimiter", "index", "create"});
  options.delimiter = string_of(json, "delimiter");
  if (present(json, "index")) {
    const Json& index = json.at("index");
    const bool integral_float = index.is_number_float() &&
                                std::trunc(index.get<double>()) == index.get<double>() &&
                                std::abs(index.get<double>()) < 9.2e18;
    if (!index.is_number_integer() && !integral_float) {
      throw invalid_argument(
          "invalid Kustomization: json: cannot unmarshal into Go struct field "
          "FieldOptions.index of type int");
    }
    options.index =
        integral_float ? static_cast<std::int64_t>(index.get<double>()) : index.get<std::int64_t>();
  }
  if (present(json, "create")) {
    if (!json.at("create").is_boolean()) {
      throw invalid_argument("invalid Kustomization: replacements: 'create' must be true or false");
    }
    options.create = json.at("create").get<bool>();
  }
  return options;
}

ReplacementTarget parse_target(const Json& item) {
  check_fields(item, "target", {"select", "reject", "fieldPaths", "options"});
  ReplacementTarget target;
  if (present(item, "select")) {
    target.has_select = true;
    target.select = parse_selector(item.at("select"), "select");
  }
  if (present(item, "reject")) {
    if (!item.at("reject").is_array()) {
      throw invalid_argument("invalid Kustomization: replacements: reject must be a list");
    }
    for (const Json& reject : item.at("reject")) {
      target.reject.push_back(parse_selector(reject, "reject"));
    }
  }
  if (present(item, "fieldPaths")) {
    const Json& paths = item.at("fieldPaths");
    if (!paths.is_array()) {
      throw invalid_argument("invalid Kustomization: replacements: fieldPaths must be a list");
    }
    for (const Json& path : paths) {
      if (!path.is_string()) {
        throw invalid_argument("invalid Kustomization: replacements: fieldPaths must be strings");
      }
      target.field_paths.push_back(path.get<std::string>());
    }
  }
  target.options = parse_options(item);
  return target;
}

// ---- paths ---------------------------------------------------------------------------------

// kyaml's SmarterPathSplitter: split at dots not escaped with a backslash; a part opening with
// '[' runs to the part closing with ']'; brackets without '=' are dropped ("[a.b]" is key a.b).
std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> raw{std::string()};
  for (const char c : path) {
    if (c == '.' && raw.back().ends_with('\\')) {
      raw.back().back() = '.';
    } else if (c == '.') {
      raw.emplace_back();
    } else {
      raw.back() += c;
    }
  }
  std::vector<std::string> parts;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (!raw[i].starts_with('[') || raw[i].ends_with(']')) {
      parts.push_back(raw[i]);
      continue;
    }
    std::string joined = raw[i];
    while (i + 1 < raw.size()) {
      joined += "." + raw[++i];
      if (joined.ends_with(']')) break;
    }
    if (joined.find('=') == std::string::npos) {
      const std::size_t begin = joined.find_first_not_of("[]");
      const std::size_t end = joined.find_last_not_of("[]");
      joined = begin == std::string::npos ? "" : joined.substr(begin, end - begin + 1);
    }
    parts.push_back(joined);
  }
  return parts;
}

bool is_list_selector(const std::string& part) {
  return part.size() >= 2 && part.front() == '[' && part.back() == ']';
}

std::optional<std::size_t> list_index(const std::string& part) {
  if (part.empty() || part.size() > 9 ||
      !std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  return static_cast<std::size_t>(std::stoul(part));
}

std::pair<std::string, std::string> split_list_selector(const std::string& part) {
  const std::string inner = part.substr(1, part.size() - 2);
  const std::size_t equals = inner.find('=');
  if (equals == std::string::npos) {
    throw invalid_argument("wrong format of list selector '" + part +
                           "': expected [fieldName=fieldValue]");
  }
  return {inner.substr(0, equals), inner.substr(equals + 1)};
}

std::string kind_name(const Json& node) {
  if (node.is_object()) return "MappingNode";
  if (node.is_array()) return "SequenceNode";
  return "ScalarNode";
}

[[noreturn]] void wrong_kind(std::string_view expected, const Json& node) {
  throw invalid_argument("wrong node kind: expected " + std::string(expected) + " but got " +
                         kind_name(node));
}

// yaml.GetValue: the text of a scalar; maps and lists have none.
std::string scalar_text(const Json& node) {
  if (node.is_string()) return node.get<std::string>();
  if (node.is_boolean()) return node.get<bool>() ? "true" : "false";
  if (node.is_number_integer()) {
    return node.is_number_unsigned() ? std::to_string(node.get<std::uint64_t>())
                                     : std::to_string(node.get<std::int64_t>());
  }
  if (node.is_number_float()) return goyaml::format_float_g(node.get<double>());
  return {};
}

bool is_scalar(const Json& node) {
  return !node.is_object() && !node.is_array();
}

// kyaml's PathGetter without create, as the source is read: nullptr when the path leads
// nowhere.
const Json* lookup(const Json& root, const std::vector<std::string>& parts) {
  const Json* node = &root;
  for (const std::string& part : parts) {
    if (node->is_null()) return nullptr;
    if (part.empty()) continue;  // kyaml's PathGetter skips empty parts ("a..b")
    if (part == "*") throw invalid_argument("wildcard is not supported in PathGetter");
    if (part == "-" && node->is_array()) {  // the last element
      if (node->empty()) return nullptr;
      node = &node->back();
      continue;
    }
    if (is_list_selector(part)) {
      const auto [field, value] = split_list_selector(part);
      if (!node->is_array()) wrong_kind("SequenceNode", *node);
      const Json* found = nullptr;
      for (const Json& element : *node) {
        if (field.empty()
                ? is_scalar(element) && scalar_text(element) == value
                : element.is_object() && element.contains(field) && is_scalar(element.at(field)) &&
                      scalar_text(element.at(field)) == value) {
          found = &element;
          break;
        }
      }
      if (found == nullptr) return nullptr;
      node = found;
    } else if (const auto index = list_index(part); index && node->is_array()) {
      if (*index >= node->size()) return nullptr;
      node = &node->at(*index);
    } else {
      if (!node->is_object()) wrong_kind("MappingNode", *node);
      const auto it = node->find(part);
      if (it == node->end()) return nullptr;
      node = &*it;
    }
  }
  return node;
}

// A field a target path reached: `created` when `create` made it, so it has no YAML type yet.
struct TargetField {
  Json* node;
  bool created;
  // A list element `[=value]` made: a scalar that takes only the text of a map or list value.
  bool scalar_only = false;
};

// kyaml's PathMatcher, creating what is missing when `create`.
class TargetMatcher {
 public:
  TargetMatcher(const std::vector<std::string>& parts, bool create)
      : parts_(parts), create_(create) {}

  void match(Json& node, std::size_t at, bool created, std::vector<TargetField>& out) const {
    if (at == parts_.size()) {
      out.push_back({&node, created});
      return;
    }
    const std::string& part = parts_[at];
    if (list_index(part)) {
      match_index(node, at, *list_index(part), out);
    } else if (is_list_selector(part)) {
      match_selector(node, at, out);
    } else if (part == "*") {
      if (!node.is_array()) wrong_kind("SequenceNode", node);
      for (Json& element : node) match(element, at + 1, false, out);
    } else {
      match_field(node, at, out);
    }
  }

 private:
  // The node `create` makes for parts_[at]: a list before an index or selector, else a map;
  // the leaf stays null until the value arrives.
  Json new_node(std::size_t at) const {
    if (at >= parts_.size()) return nullptr;
    const std::string& part = parts_[at];
    if (list_index(part) || is_list_selector(part)) {
      return Json::array();
    }
    return Json::object();
  }

  void match_field(Json& node, std::size_t at, std::vector<TargetField>& out) const {
    if (parts_[at].empty()) wrong_kind("ScalarNode", node);
    if (node.is_null()) {
      if (!create_) return;
      node = Json::object();
    }
    if (!node.is_object()) wrong_kind("MappingNode", node);
    auto it = node.find(parts_[at]);
    // A null leaf is an existing field (typed null); a null on the way counts as absent.
    const bool leaf = at + 1 == parts_.size();
    if (it == node.end() || (it->is_null() && !leaf)) {
      if (!create_) return;
      Json& made = node[parts_[at]];
      made = new_node(at + 1);
      match(made, at + 1, true, out);
      return;
    }
    match(*it, at + 1, false, out);
  }

  void match_index(Json& node, std::size_t at, std::size_t index,
                   std::vector<TargetField>& out) const {
    if (!node.is_array()) wrong_kind("SequenceNode", node);
    if (index == node.size() && create_) {
      node.push_back(new_node(at + 1));
      match(node.back(), at + 1, true, out);
      return;
    }
    if (index >= node.size()) {
      throw invalid_argument("index " + std::to_string(index) + " specified but only " +
                             std::to_string(node.size()) + " elements found");
    }
    match(node.at(index), at + 1, false, out);
  }

  void match_selector(Json& node, std::size_t at, std::vector<TargetField>& out) const {
    const auto [field, pattern] = split_list_selector(parts_[at]);
    if (pattern.size() > kMaxPatternLength) {
      throw invalid_argument("list selector '" + parts_[at] + "' is too long");
    }
    std::regex regex;
    try {
      regex = std::regex(pattern);
    } catch (const std::regex_error&) {
      throw invalid_argument("list selector '" + parts_[at] +
                             "' is not a valid regular expression");
    }
    if (node.is_null() && create_) node = Json::array();
    if (!node.is_array()) wrong_kind("SequenceNode", node);
    bool any = false;
    for (Json& element : node) {
      const Json* key = field.empty()                                    ? &element
                        : element.is_object() && element.contains(field) ? &element.at(field)
                                                                         : nullptr;
      if (key == nullptr || !is_scalar(*key) || key->is_null()) continue;
      if (!std::regex_search(scalar_text(*key), regex)) continue;
      any = true;
      // kyaml takes a matching scalar element itself and ignores the rest of the path.
      if (field.empty()) {
        out.push_back({&element, false});
      } else {
        match(element, at + 1, false, out);
      }
    }
    if (any || !create_) return;
    if (field.empty()) {
      // What kustomize prints for such an element left empty: "" beside others, else null.
      node.push_back(node.empty() ? Json(nullptr) : Json(""));
      out.push_back({&node.back(), true, true});
      return;
    }
    node.push_back(Json::object({{field, pattern}}));
    match(node.back(), at + 1, true, out);
  }

  const std::vector<std::string>& parts_;
  bool create_;
};

// ---- values --------------------------------------------------------------------------------

std::string tag_of(const Json& value) {
  if (value.is_null()) return "!!null";
  if (value.is_boolean()) return "!!bool";
  if (value.is_number_integer()) return "!!int";
  if (value.is_number_float()) return "!!float";
  return "!!str";
}

// What yaml.v3 makes of `text` in a scalar that keeps the type of `target`.
Json typed_like(const Json& target, const std::string& text) {
  if (target.is_string()) return text;
  const Json resolved = yaml_resolve::resolve_plain(text);
  const bool fits = target.is_number_float()
                        ? resolved.is_number()
                        : tag_of(resolved) == tag_of(target) && !resolved.is_string();
  if (!fits) {
    throw invalid_argument("map[string]interface {}(nil): yaml: cannot decode " + tag_of(resolved) +
                           " `" + text + "` as a " + tag_of(target));
  }
  return resolved;
}

void set_target(const FieldOptions& options, const TargetField& field, const Json& value) {
  Json& target = *field.node;
  std::string text = scalar_text(value);
  if (!options.delimiter.empty()) {
    if (!is_scalar(target)) {
      throw invalid_argument("delimiter option can only be used with scalar nodes");
    }
    std::vector<std::string> pieces;
    const std::string current = field.created ? std::string() : scalar_text(target);
    for (std::size_t start = 0;;) {
      const std::size_t at = current.find(options.delimiter, start);
      pieces.push_back(current.substr(start, at - start));
      if (at == std::string::npos) break;
      start = at + options.delimiter.size();
    }
    if (options.index < 0) {
      pieces.insert(pieces.begin(), text);
    } else if (static_cast<std::size_t>(options.index) >= pieces.size()) {
      pieces.push_back(text);
    } else {
      pieces[static_cast<std::size_t>(options.index)] = text;
    }
    text.clear();
    for (std::size_t i = 0; i < pieces.size(); ++i) {
      text += (i == 0 ? "" : options.delimiter) + pieces[i];
    }
  } else if (!is_scalar(value) && ((field.created && !field.scalar_only) || !is_scalar(target))) {
    target = value;
    return;
  }
  if (field.created) {
    if (!field.scalar_only || !text.empty()) target = yaml_resolve::resolve_plain(text);
  } else if (is_scalar(target)) {
    target = typed_like(target, text);
  } else {
    target = value;  // a map or list target takes the source node
  }
}

// ---- selection -----------------------------------------------------------------------------

struct Id {
  std::string name;
  std::string namespace_;
};

std::vector<Id> ids_of(const Object& object, const std::vector<OriginalId>* previous) {
  std::vector<Id> ids{{object.name(), object.namespace_name()}};
  if (previous != nullptr) {
    for (const OriginalId& id : *previous) ids.push_back({id.name, id.namespace_});
  }
  return ids;
}

// kustomize's ResId.IsSelectedBy.
bool selected_by(const Object& object, const Id& id, const ResIdSelector& selector) {
  const GroupVersionKind gvk = object.gvk();
  if (!selector.group.empty() && selector.group != gvk.group) return false;
  if (!selector.version.empty() && selector.version != gvk.version) return false;
  if (!selector.kind.empty() && selector.kind != gvk.kind) return false;
  if (!selector.name.empty() && selector.name != id.name) return false;
  if (selector.namespace_.empty()) return true;
  // kustomize builds these ids without looking the kind up, so even cluster-scoped resources
  // count as being in "default" here.
  const auto effective = [](const std::string& namespace_) {
    return namespace_.empty() ? std::string("default") : namespace_;
  };
  return effective(id.namespace_) == effective(selector.namespace_);
}

std::string describe(const ResIdSelector& selector) {
  return ResourceId{
      {selector.group, selector.version, selector.kind}, selector.namespace_, selector.name}
      .to_string();
}

// kustomize's SourceSelector.String: the id, then the fieldPath as written.
std::string describe_source(const Replacement& replacement) {
  return describe(replacement.source) + (replacement.source_field_path.empty()
                                             ? std::string()
                                             : ":" + replacement.source_field_path);
}

bool matches_meta_selectors(const Object& object, const ResourceSelector& selector) {
  if (!selector.annotation_selector.empty() &&
      !matches_label_selector(selector.annotation_selector, object.annotations())) {
    return false;
  }
  return selector.label_selector.empty() ||
         matches_label_selector(selector.label_selector, object.labels());
}

bool is_target(const Object& object, const std::vector<Id>& ids, const ReplacementTarget& target) {
  if (!matches_meta_selectors(object, target.select)) return false;
  for (const ResourceSelector& reject : target.reject) {
    if (reject.label_selector.empty() && reject.annotation_selector.empty()) continue;
    if (matches_meta_selectors(object, reject)) return false;
  }
  for (const Id& id : ids) {
    if (!selected_by(object, id, target.select.id)) continue;
    const bool rejected = std::any_of(
        target.reject.begin(), target.reject.end(), [&](const ResourceSelector& reject) {
          return !reject.id.empty() && selected_by(object, id, reject.id);
        });
    if (!rejected) return true;
  }
  return false;
}

Json source_value(const std::vector<Object>& objects,
                  const std::vector<std::vector<OriginalId>>* previous_ids,
                  const Replacement& replacement) {
  const Object* source = nullptr;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    const auto ids = ids_of(objects[i], previous_ids ? &(*previous_ids)[i] : nullptr);
    const bool selected = std::any_of(ids.begin(), ids.end(), [&](const Id& id) {
      return selected_by(objects[i], id, replacement.source);
    });
    if (!selected) continue;
    if (source != nullptr) {
      throw invalid_argument("multiple matches for selector " + describe_source(replacement));
    }
    source = &objects[i];
  }
  if (source == nullptr) {
    throw invalid_argument("nothing selected by " + describe_source(replacement));
  }
  const std::string path = replacement.source_field_path.empty() ? std::string(kDefaultFieldPath)
                                                                 : replacement.source_field_path;
  const Json* found = nullptr;
  try {
    found = lookup(source->json(), split_path(path));
  } catch (const Error& e) {
    throw invalid_argument("error looking up replacement source: " + e.message());
  }
  // kyaml's IsNilOrEmpty: null, {} and [] count as missing.
  if (found == nullptr || found->is_null() ||
      ((found->is_object() || found->is_array()) && found->empty())) {
    throw invalid_argument("fieldPath `" + path + "` is missing for replacement source " +
                           describe(replacement.source));
  }
  const FieldOptions& options = replacement.source_options;
  if (options.delimiter.empty()) return *found;
  if (!is_scalar(*found)) {
    throw invalid_argument("delimiter option can only be used with scalar nodes");
  }
  const std::string text = scalar_text(*found);
  std::vector<std::string> pieces;
  for (std::size_t start = 0;;) {
    const std::size_t at = text.find(options.delimiter, start);
    pieces.push_back(text.substr(start, at - start));
    if (at == std::string::npos) break;
    start = at + options.delimiter.size();
  }
  if (options.index < 0 || static_cast<std::size_t>(options.index) >= pieces.size()) {
    throw invalid_argument("options.index " + std::to_string(options.index) +
                           " is out of bounds for value " + text);
  }
  // The piece keeps the source's type, as kustomize copies the node and changes its text.
  return typed_like(*found, pieces[static_cast<std::size_t>(options.index)]);
}

void apply_to_object(Object& object, const ReplacementTarget& target, const Json& value) {
  std::vector<std::string> paths = target.field_paths;
  if (paths.empty()) paths.emplace_back(kDefaultFieldPath);
  const bool create = target.options.create;
  for (const std::string& path : paths) {
    const std::string what =
        std::string(create ? "unable to find or create field \"" : "unable to find field \"") +
        path + "\" in replacement target";
    const std::vector<std::string> parts = split_path(path);
    std::vector<TargetField> fields;
    try {
      TargetMatcher(parts, create).match(object.json(), 0, false, fields);
    } catch (const Error& e) {
      throw invalid_argument(what + ": " + e.message());
    }
    if (fields.empty()) throw invalid_argument(what);
    for (const TargetField& field : fields) set_target(target.options, field, value);
  }
}

}  // namespace

Replacement parse_replacement(const Json& item) {
  check_fields(item, "replacement", {"source", "targets"});
  Replacement replacement;
  if (present(item, "source")) {
    const Json& source = item.at("source");
    check_fields(source, "source",
                 {"group", "version", "kind", "name", "namespace", "fieldPath", "options"});
    replacement.has_source = true;
    replacement.source = parse_id(source);
    replacement.source_field_path = string_of(source, "fieldPath");
    replacement.source_options = parse_options(source);
  }
  if (present(item, "targets")) {
    if (!item.at("targets").is_array()) {
      throw invalid_argument("invalid Kustomization: replacements: targets must be a list");
    }
    for (const Json& target : item.at("targets")) {
      replacement.targets.push_back(parse_target(target));
    }
  }
  return replacement;
}

std::vector<Replacement> parse_replacement_file(const Json& document) {
  std::vector<Replacement> out;
  if (document.is_object()) {
    out.push_back(parse_replacement(document));
  } else if (document.is_array()) {
    for (const Json& item : document) out.push_back(parse_replacement(item));
  } else {
    throw invalid_argument("unsupported replacement type encountered within replacement path");
  }
  return out;
}

void apply_replacements(std::vector<Object>& objects, const std::vector<Replacement>& replacements,
                        const std::vector<std::vector<OriginalId>>* previous_ids) {
  for (const Replacement& replacement : replacements) {
    if (!replacement.has_source || replacement.targets.empty()) {
      throw invalid_argument("replacements must specify a source and at least one target");
    }
    const Json value = source_value(objects, previous_ids, replacement);
    for (const ReplacementTarget& target : replacement.targets) {
      if (!target.has_select) throw invalid_argument("target must specify resources to select");
      for (std::size_t i = 0; i < objects.size(); ++i) {
        const auto ids = ids_of(objects[i], previous_ids ? &(*previous_ids)[i] : nullptr);
        if (is_target(objects[i], ids, target)) apply_to_object(objects[i], target, value);
      }
    }
  }
}

}  // namespace sluice::render::transformers
