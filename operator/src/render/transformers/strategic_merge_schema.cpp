#include "render/transformers/strategic_merge_schema.h"

#include <algorithm>
#include <iterator>

namespace sluice::render::transformers::smp {
namespace {

struct SchemaField {
  std::string_view definition;
  std::string_view field;
  std::string_view value_definition;
  bool is_list;
  std::string_view strategy;
  std::string_view keys;
};

struct SchemaKind {
  std::string_view api_version;
  std::string_view kind;
  std::string_view definition;
};

#include "render/transformers/strategic_merge_schema.inc"

// The generator sorts rows by their printed form, which is not (definition, field) order once
// quotes and commas take part; look rows up linearly over the definition's block instead.
const SchemaField* find_field(std::string_view definition, std::string_view field) {
  const SchemaField* wildcard = nullptr;
  for (const SchemaField& row : kSchemaFields) {
    if (row.definition != definition) continue;
    if (row.field == field) return &row;
    if (row.field == "*") wildcard = &row;
  }
  return wildcard;
}

std::vector<std::string> split_keys(std::string_view keys) {
  std::vector<std::string> out;
  while (!keys.empty()) {
    const std::size_t comma = keys.find(',');
    out.emplace_back(keys.substr(0, comma));
    if (comma == std::string_view::npos) break;
    keys.remove_prefix(comma + 1);
  }
  return out;
}

}  // namespace

std::optional<NodeSchema> NodeSchema::for_kind(std::string_view api_version,
                                               std::string_view kind) {
  const auto found = std::find_if(
      std::begin(kSchemaKinds), std::end(kSchemaKinds),
      [&](const SchemaKind& row) { return row.api_version == api_version && row.kind == kind; });
  if (found == std::end(kSchemaKinds)) return std::nullopt;
  NodeSchema schema;
  schema.definition_ = found->definition;
  return schema;
}

NodeSchema NodeSchema::field(std::string_view name) const {
  NodeSchema schema;
  if (definition_.empty()) return schema;
  const SchemaField* row = find_field(definition_, name);
  if (row == nullptr) return schema;
  if (row->is_list) {
    schema.element_definition_ = row->value_definition;
    schema.strategy_ = row->strategy;
    schema.keys_ = split_keys(row->keys);
  } else {
    schema.definition_ = row->value_definition;
  }
  return schema;
}

NodeSchema NodeSchema::elements() const {
  NodeSchema schema;
  schema.definition_ = element_definition_;
  return schema;
}

bool NodeSchema::merges_list() const {
  for (const std::string& strategy : split_keys(strategy_)) {
    if (strategy == "merge") return true;
  }
  return false;
}

}  // namespace sluice::render::transformers::smp
