#pragma once
// Field paths as kustomize's replacements read them (kyaml's SmarterPathSplitter, PathGetter
// and PathMatcher), on sluice's JSON trees.
#include <string>
#include <string_view>
#include <vector>

#include "core/object.h"

namespace sluice::render::transformers::field_paths {

// a.b\.c.[x.y].[name=n.v].0 -> a, b.c, x.y, [name=n.v], 0.
std::vector<std::string> split_path(std::string_view path);

// yaml.GetValue: the text of a scalar ("5", "true", "1.5"); maps and lists have none.
std::string scalar_text(const Json& node);
bool is_scalar(const Json& node);

// Top-level keys starting with '\x01' are the builder's bookkeeping: no path reaches them.

// The node a source path names, or nullptr. `[name=value]` compares exactly, `*` is an error.
// Throws kInvalidArgument (kyaml's "wrong node kind ...") when the path crosses the wrong kind.
const Json* lookup(const Json& root, const std::vector<std::string>& parts);

// A field a target path reached: `created` when `create` made it, so it has no YAML type yet.
struct TargetField {
  Json* node;
  bool created;
  // A list element `[=value]` made: a scalar holding `value` as text until the value comes,
  // and taking only the text of a map or list value.
  bool scalar_only = false;
  // What kustomize prints for such an element left empty: null in a list it made, else "".
  bool empty_is_null = false;
};

// Every node a target path names: `[name=regex]` matches unanchored, `*` takes every list
// element; with `create`, missing maps, list elements and the leaf are made. Throws
// kInvalidArgument as kyaml does (wrong node kinds, an index past the end).
std::vector<TargetField> match_targets(Json& root, const std::vector<std::string>& parts,
                                       bool create);

}  // namespace sluice::render::transformers::field_paths
