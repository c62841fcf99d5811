#pragma once
// Resources as kustomize reads and accumulates them: documents of a resource file (with `List`
// kinds expanded), and a kustomization's accumulated set, which refuses a duplicate id.
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "core/object.h"
#include "render/transformer_config.h"

namespace sluice::render {

// The resources of one YAML stream (a resource file or a patch file), read as kustomize reads
// them: each document must be a map with a kind and a non-empty metadata.name, and any kind
// ending in "List" that carries `items` is replaced by its items. Throws kInvalidArgument.
std::vector<Object> parse_resources(std::string_view text);

// kustomize's IgnoreLocal, at the very end of a build (after name references and vars, so a
// local-config resource can still be a name reference or replacement source): removes every
// resource annotated config.kubernetes.io/local-config with any value but "false".
void drop_local_configs(std::vector<Object>& objects);

// A kustomization's accumulated resources, refusing an id that is already there, as
// kustomize's ResMap.Append does. Indexed, so accumulating n resources costs O(n).
class Accumulator {
 public:
  // Throws kInvalidArgument for an id already there.
  void append(std::vector<Object> more);

  // For transformers, which may change ids: the index is rebuilt before the next append.
  std::vector<Object>& objects() {
    stale_ = true;
    return objects_;
  }

  std::vector<Object> take() && { return std::move(objects_); }

  // kustomize's ResAccumulator tConfig: this kustomization's, merged with its children's.
  TransformerConfig& config() { return config_; }

 private:
  void reindex();

  std::vector<Object> objects_;
  TransformerConfig config_;
  std::unordered_set<std::string> ids_;
  bool stale_ = false;
};

}  // namespace sluice::render
