#pragma once
// kustomize's ReplacementTransformer as configured by `replacements`: copy one field of one
// source resource into fields of target resources.
//
// Field paths use kustomize's syntax (kyaml SmarterPathSplitter): dotted parts, `\.` for a dot
// inside a key, `[a.b/c]` for a key holding dots, `[name=value]` to pick list elements by a
// field, a number to index a list, and (in targets only) `*` for every element of a list. In a
// source, `[name=value]` compares exactly; in a target, `value` is an unanchored regular
// expression, as kyaml's PathMatcher has it.
//
// A target scalar keeps its YAML type: only the text is copied, so "5" into `replicas: 1`
// stays an int, 5 into `image: x` becomes "5", and text that cannot be read as the target's
// type ("abc" into an int, anything but null into a null) fails as kustomize fails. A field
// made by `create: true` has no type and reads the text as a plain YAML scalar. Map and list
// targets are replaced by a copy of the source.
#include <cstdint>
#include <string>
#include <vector>

#include "core/object.h"
#include "render/transformers/patches.h"

namespace sluice::render::transformers {

// kustomize's ResId used as a selector: every non-empty field must equal the resource's (an
// empty namespace counts as "default", for every kind). No regular expressions here.
struct ResIdSelector {
  std::string group;
  std::string version;
  std::string kind;
  std::string name;
  std::string namespace_;

  bool empty() const {
    return group.empty() && version.empty() && kind.empty() && name.empty() && namespace_.empty();
  }
};

struct FieldOptions {
  std::string delimiter;
  std::int64_t index = 0;
  bool create = false;
};

// kustomize's types.Selector: an id plus label and annotation selectors.
struct ResourceSelector {
  ResIdSelector id;
  std::string label_selector;
  std::string annotation_selector;
};

struct ReplacementTarget {
  bool has_select = false;
  ResourceSelector select;
  std::vector<ResourceSelector> reject;
  std::vector<std::string> field_paths;  // empty: metadata.name
  FieldOptions options;
};

struct Replacement {
  bool has_source = false;
  ResIdSelector source;
  std::string source_field_path;  // empty: metadata.name
  FieldOptions source_options;
  std::vector<ReplacementTarget> targets;  // none is an error, as in kustomize
};

// Reads replacement maps, as written inline in a kustomization or in a `path:` file (which
// holds one map or a list of them). Unknown fields and wrong types are errors worded like
// kustomize's decoder. `where` names the list in messages.
Replacement parse_replacement(const Json& item);
std::vector<Replacement> parse_replacement_file(const Json& document);

// Runs the replacements in order over `objects`. `previous_ids`, when given, runs parallel to
// `objects`: names and namespaces each resource had earlier (kustomize selects sources and
// targets by any of a resource's ids). Errors carry kustomize's messages.
void apply_replacements(std::vector<Object>& objects, const std::vector<Replacement>& replacements,
                        const std::vector<std::vector<OriginalId>>* previous_ids = nullptr);

}  // namespace sluice::render::transformers
