#include "render/transformers/name_reference.h"

#include <algorithm>
#include <functional>
#include <iterator>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/error.h"
#include "render/resource_id.h"

namespace sluice::render::transformers {
namespace {

using Indices = std::vector<std::size_t>;

bool gvk_selected(const std::string& group, const std::string& version, const std::string& kind,
                  const GroupVersionKind& gvk) {
  return (group.empty() || group == gvk.group) && (version.empty() || version == gvk.version) &&
         (kind.empty() || kind == gvk.kind);
}

// kustomize's "same ending sub-slice": one list ends with the other; an empty list only
// matches an empty one.
bool same_ending(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  const std::vector<std::string>& shorter = a.size() <= b.size() ? a : b;
  const std::vector<std::string>& longer = a.size() <= b.size() ? b : a;
  if (shorter.empty()) return longer.empty();
  return std::equal(shorter.begin(), shorter.end(),
                    longer.end() - static_cast<long>(shorter.size()));
}

// Resource.PrefixesSuffixesEquals; with allow_empty, an empty list on either side matches.
bool same_prefixes_suffixes(const NameHistory& a, const NameHistory& b, bool allow_empty) {
  auto lists_match = [&](const std::vector<std::string>& x, const std::vector<std::string>& y) {
    return (allow_empty && (x.empty() || y.empty())) || same_ending(x, y);
  };
  return lists_match(a.prefixes, b.prefixes) && lists_match(a.suffixes, b.suffixes);
}

// kustomize's fieldspec walk: lists are walked element by element (nested ones too), a
// missing or null field ends the walk, and a scalar where the path goes on is an error.
void walk(Json& node, const std::vector<std::string>& keys, std::size_t at,
          const std::function<void(Json&)>& apply) {
  if (at == keys.size()) {
    apply(node);
    return;
  }
  if (node.is_null()) return;
  if (node.is_array()) {
    for (Json& element : node) walk(element, keys, at, apply);
    return;
  }
  if (!node.is_object()) throw invalid_argument("expected sequence or mapping node");
  const auto field = node.find(keys[at]);
  if (field != node.end()) walk(*field, keys, at + 1, apply);
}

Indices sieve(const Indices& in, const std::function<bool(std::size_t)>& keep) {
  Indices out;
  std::copy_if(in.begin(), in.end(), std::back_inserter(out), keep);
  return out;
}

class Fixer {
 public:
  // Names and namespaces do not change here (only reference fields do), so what the sieves
  // compare is worked out once.
  Fixer(std::vector<Object>& objects, const std::vector<NameHistory>& history)
      : objects_(objects), history_(history) {
    facts_.reserve(objects.size());
    std::size_t names = 0;
    for (std::size_t i = 0; i < objects.size(); ++i) {
      ResourceId id = ResourceId::of(objects[i]);
      Facts facts;
      facts.cluster_scoped = is_cluster_scoped(id.gvk.api_version(), id.gvk.kind);
      facts.namespace_ = &*namespaces_.insert(id.effective_namespace()).first;
      id.namespace_ = history[i].original_namespace;
      facts.original_namespace = &*namespaces_.insert(id.effective_namespace()).first;
      facts.gvk = &*kinds_.insert(std::move(id.gvk)).first;
      if (!facts.cluster_scoped) by_original_namespace_[*facts.original_namespace].push_back(i);
      facts_.push_back(facts);
      names += history[i].previous_names.size();
    }
    by_previous_name_.reserve(names);
    for (std::size_t i = 0; i < objects.size(); ++i) {
      for (const std::string& name : history[i].previous_names) {
        by_previous_name_.emplace_back(name, i);
      }
    }
    std::sort(by_previous_name_.begin(), by_previous_name_.end());
    by_previous_name_.erase(std::unique(by_previous_name_.begin(), by_previous_name_.end()),
                            by_previous_name_.end());
  }

  void fix(std::size_t referrer, const std::vector<NameBackReference>& config) {
    const GroupVersionKind& gvk = *facts_[referrer].gvk;
    std::optional<Referable> referable;
    for (const NameBackReference& target : config) {
      for (const FieldSpec& spec : target.referrers) {
        if (!selects(spec, gvk)) continue;
        // Worked out once, before any of the referrer's fields change (they decide it).
        if (!referable) referable = referable_by(referrer);
        Field field{referrer, &target, &spec, &*referable};
        try {
          walk(objects_[referrer].json(), path_keys(spec.path), 0,
               [&](Json& node) { set(field, node); });
        } catch (const Error& e) {
          throw e.with_context("updating name reference in '" + spec.path + "' field of '" +
                               ResourceId::of(objects_[referrer]).to_string() + "'");
        }
      }
    }
  }

 private:
  // Pointers into kinds_ and namespaces_: an overlay has thousands of resources but a handful
  // of kinds and namespaces.
  struct Facts {
    const GroupVersionKind* gvk = nullptr;
    bool cluster_scoped = false;
    const std::string* namespace_ = nullptr;          // effective: "default" for none
    const std::string* original_namespace = nullptr;  // effective, as first loaded
  };

  // resmap's SubsetThatCouldBeReferencedByResource, as a test of each resource: everything
  // for a cluster-scoped referrer, else cluster-scoped resources, those in the referrer's
  // namespace and, for a RoleBinding, those in its ServiceAccount subjects' namespaces.
  struct Referable {
    bool everything = false;
    std::string namespace_;
    std::set<std::string> subject_namespaces;
  };

  struct Field {
    std::size_t referrer;
    const NameBackReference* target;
    const FieldSpec* spec;
    const Referable* referable;
  };

  Referable referable_by(std::size_t referrer) const {
    if (facts_[referrer].cluster_scoped) return {true, {}, {}};
    return {false, *facts_[referrer].namespace_, service_account_namespaces(referrer)};
  }

  bool is_referable(const Referable& referable, std::size_t i) const {
    return referable.everything || facts_[i].cluster_scoped ||
           *facts_[i].namespace_ == referable.namespace_ ||
           referable.subject_namespaces.contains(objects_[i].namespace_name());
  }

  // The namespaces a RoleBinding's ServiceAccount subjects name: a RoleBinding may refer to
  // accounts in other namespaces.
  std::set<std::string> service_account_namespaces(std::size_t referrer) const {
    std::set<std::string> out;
    const Object& object = objects_[referrer];
    if (facts_[referrer].gvk->kind != "RoleBinding") return out;
    const Json& json = object.json();
    const auto subjects = json.find("subjects");
    if (subjects == json.end() || !subjects->is_array()) return out;
    for (const Json& subject : *subjects) {
      if (!subject.is_object()) {
        throw invalid_argument("subjects of " + ResourceId::of(object).to_string() +
                               " must be maps");
      }
      const auto ns = subject.find("namespace");
      const auto kind = subject.find("kind");
      if (ns == subject.end() || kind == subject.end() || *kind != "ServiceAccount") continue;
      if (!ns->is_string()) {
        throw invalid_argument("Invalid Input: namespace is blank for resource \"" +
                               ResourceId::of(object).to_string() + "\"");
      }
      out.insert(ns->get<std::string>());
    }
    return out;
  }

  // The field the path leads to: a name, a map with a name, or a list of either (a nested
  // list is skipped, as kustomize does).
  void set(const Field& field, Json& node, bool in_list = false) {
    if (node.is_object()) {
      set_mapping(field, node);
    } else if (node.is_array() && !in_list) {
      for (Json& element : node) set(field, element, true);
    } else if (node.is_primitive() && !node.is_null()) {
      set_scalar(field, node);
    }
  }

  // kustomize reads any scalar as its text (a name written as a number still matches).
  static std::string scalar_text(const Json& node) {
    return node.is_string() ? node.get<std::string>() : node.dump();
  }

  void set_scalar(const Field& field, Json& node) {
    const std::string old_name = scalar_text(node);
    const auto referral = select_referral(field, old_name, nullptr, false);
    if (referral && objects_[*referral].name() != old_name) node = objects_[*referral].name();
  }

  // A map with `name` and maybe `namespace` (subjects, webhook clientConfig.service): the
  // namespace narrows the candidates, and the referral's namespace is written back too.
  void set_mapping(const Field& field, Json& node) {
    if (!node.contains("name")) {
      throw invalid_argument("path config error; no 'name' field in node");
    }
    const Json& name = node.at("name");
    if (!name.is_primitive() || name.is_null()) return;
    const std::string old_name = scalar_text(name);
    std::optional<NamespaceFilter> in_namespace;
    if (node.contains("namespace")) in_namespace = namespace_filter(field, node.at("namespace"));
    const auto referral =
        select_referral(field, old_name, in_namespace ? &*in_namespace : nullptr, true);
    if (!referral) return;
    const Object& object = objects_[*referral];
    if (object.name() == old_name && object.namespace_name().empty()) return;
    node["name"] = object.name();
    // An empty namespace would not mean "default" here, so it is never written.
    if (!object.namespace_name().empty()) node["namespace"] = object.namespace_name();
  }

  // The namespace of a map field selects the candidates that started in it if there are any
  // (kustomize's GroupedByOriginalNamespace), else those now in it; cluster-scoped resources
  // are in neither group.
  struct NamespaceFilter {
    std::string namespace_;
    bool original = false;
  };

  NamespaceFilter namespace_filter(const Field& field, const Json& namespace_node) const {
    NamespaceFilter filter{scalar_text(namespace_node), false};
    const auto group = by_original_namespace_.find(filter.namespace_);
    if (group != by_original_namespace_.end()) {
      filter.original = std::any_of(group->second.begin(), group->second.end(), [&](std::size_t i) {
        return is_referable(*field.referable, i);
      });
    }
    return filter;
  }

  bool in_namespace(const NamespaceFilter& filter, std::size_t i) const {
    if (facts_[i].cluster_scoped) return false;
    return *(filter.original ? facts_[i].original_namespace : facts_[i].namespace_) ==
           filter.namespace_;
  }

  // nameref's selectReferral: the one candidate the old name can mean, nullopt if none.
  std::optional<std::size_t> select_referral(const Field& field, const std::string& old_name,
                                             const NamespaceFilter* in_namespace_of,
                                             bool compare_namespaces) const {
    const auto [named_begin, named_end] =
        std::equal_range(by_previous_name_.begin(), by_previous_name_.end(),
                         std::string_view(old_name), NameOrder{});
    if (named_begin == named_end) return std::nullopt;
    Indices named;
    named.reserve(static_cast<std::size_t>(named_end - named_begin));
    for (auto it = named_begin; it != named_end; ++it) named.push_back(it->second);
    const NameBackReference& target = *field.target;
    const NameHistory& referrer_history = history_[field.referrer];
    Indices candidates = sieve(named, [&](std::size_t i) {
      return is_referable(*field.referable, i) &&
             (in_namespace_of == nullptr || in_namespace(*in_namespace_of, i)) &&
             gvk_selected(target.group, target.version, target.kind, *facts_[i].gvk);
    });
    candidates = sieve(candidates, role_ref_filter(field));
    candidates = sieve(candidates, same_namespace_filter(field.referrer));
    if (candidates.size() == 1) return candidates.front();
    for (const bool allow_empty : {true, false}) {
      candidates = sieve(candidates, [&](std::size_t i) {
        return same_prefixes_suffixes(history_[i], referrer_history, allow_empty);
      });
      if (candidates.size() == 1) return candidates.front();
    }
    if (candidates.empty()) return std::nullopt;
    const bool identical = std::all_of(candidates.begin(), candidates.end(), [&](std::size_t i) {
      const Object& first = objects_[candidates.front()];
      return objects_[i].name() == first.name() &&
             (!compare_namespaces || objects_[i].namespace_name() == first.namespace_name());
    });
    if (identical) return candidates.front();
    std::string ids;
    for (const std::size_t i : candidates) {
      if (!ids.empty()) ids += ", ";
      ids += ResourceId::of(objects_[i]).to_string();
    }
    throw invalid_argument("found multiple possible referrals: " + ids);
  }

  // A roleRef names a Role or a ClusterRole according to its apiGroup and kind.
  std::function<bool(std::size_t)> role_ref_filter(const Field& field) const {
    auto accept_all = [](std::size_t) { return true; };
    if (!field.spec->path.ends_with("roleRef/name")) return accept_all;
    const Json& json = objects_[field.referrer].json();
    const auto role_ref = json.find("roleRef");
    if (role_ref == json.end() || !role_ref->is_object()) return accept_all;
    const auto group = role_ref->find("apiGroup");
    const auto kind = role_ref->find("kind");
    if (group == role_ref->end() || kind == role_ref->end() || group->is_null() ||
        kind->is_null()) {
      return accept_all;
    }
    return [this, group_text = scalar_text(*group), kind_text = scalar_text(*kind)](std::size_t i) {
      return gvk_selected(group_text, "", kind_text, *facts_[i].gvk);
    };
  }

  // Outside a cluster-scoped referrer, only cluster-scoped resources, ServiceAccounts and
  // resources in the referrer's namespace.
  std::function<bool(std::size_t)> same_namespace_filter(std::size_t referrer) const {
    if (facts_[referrer].cluster_scoped) return [](std::size_t) { return true; };
    return [this, referrer_namespace = facts_[referrer].namespace_](std::size_t i) {
      return facts_[i].cluster_scoped || facts_[i].gvk->kind == "ServiceAccount" ||
             facts_[i].namespace_ == referrer_namespace;  // interned: same pointer, same name
    };
  }

  std::vector<Object>& objects_;
  const std::vector<NameHistory>& history_;
  std::set<GroupVersionKind> kinds_;
  std::set<std::string> namespaces_;
  std::vector<Facts> facts_;
  // Which resources had each name (ascending, like the resource list), and which started in
  // each namespace.
  // by_previous_name_ is (name, resource) pairs sorted and unique, the names viewing history_
  // (which outlives the fixer): one flat array instead of a hash node and a vector per name.
  using NamedResource = std::pair<std::string_view, std::size_t>;
  struct NameOrder {
    bool operator()(const NamedResource& entry, std::string_view name) const {
      return entry.first < name;
    }
    bool operator()(std::string_view name, const NamedResource& entry) const {
      return name < entry.first;
    }
  };
  std::vector<NamedResource> by_previous_name_;
  std::unordered_map<std::string, Indices> by_original_namespace_;
};

}  // namespace

void fix_name_references(std::vector<Object>& objects, const std::vector<NameHistory>& history,
                         const std::vector<NameBackReference>& config) {
  if (history.size() != objects.size()) {
    throw Error(ErrorCode::kInternal, "name history does not match the resources");
  }
  Fixer fixer(objects, history);
  for (std::size_t i = 0; i < objects.size(); ++i) fixer.fix(i, config);
}

}  // namespace sluice::render::transformers
