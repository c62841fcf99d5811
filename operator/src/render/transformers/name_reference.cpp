#include "render/transformers/name_reference.h"

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <set>

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

bool is_cluster_scoped(const Object& object) {
  const GroupVersionKind gvk = object.gvk();
  return render::is_cluster_scoped(gvk.api_version(), gvk.kind);
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

Indices sieve(const Indices& in, const std::function<bool(std::size_t)>& keep) {
  Indices out;
  std::copy_if(in.begin(), in.end(), std::back_inserter(out), keep);
  return out;
}

class Fixer {
 public:
  Fixer(std::vector<Object>& objects, const std::vector<NameHistory>& history)
      : objects_(objects), history_(history) {}

  void fix(std::size_t referrer, const std::vector<NameBackReference>& config) {
    const GroupVersionKind gvk = objects_[referrer].gvk();
    std::optional<Indices> candidates;
    for (const NameBackReference& target : config) {
      for (const FieldSpec& spec : target.referrers) {
        if (!selects(spec, gvk)) continue;
        // Computed once, before any of the referrer's fields change (they decide it).
        if (!candidates) candidates = referable_by(referrer);
        Field field{referrer, &target, &spec, &*candidates};
        try {
          for_each_field(objects_[referrer].json(), spec, [&](Json& node) { set(field, node); });
        } catch (const Error& e) {
          throw e.with_context("updating name reference in '" + spec.path + "' field of '" +
                               ResourceId::of(objects_[referrer]).to_string() + "'");
        }
      }
    }
  }

 private:
  struct Field {
    std::size_t referrer;
    const NameBackReference* target;
    const FieldSpec* spec;
    const Indices* candidates;
  };

  // resmap's SubsetThatCouldBeReferencedByResource.
  Indices referable_by(std::size_t referrer) const {
    Indices all(objects_.size());
    for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
    if (is_cluster_scoped(objects_[referrer])) return all;
    const std::set<std::string> subject_namespaces = service_account_namespaces(referrer);
    const std::string namespace_ = ResourceId::of(objects_[referrer]).effective_namespace();
    return sieve(all, [&](std::size_t i) {
      return is_cluster_scoped(objects_[i]) ||
             ResourceId::of(objects_[i]).effective_namespace() == namespace_ ||
             subject_namespaces.contains(objects_[i].namespace_name());
    });
  }

  // The namespaces a RoleBinding's ServiceAccount subjects name: a RoleBinding may refer to
  // accounts in other namespaces.
  std::set<std::string> service_account_namespaces(std::size_t referrer) const {
    std::set<std::string> out;
    const Object& object = objects_[referrer];
    if (object.gvk().kind != "RoleBinding") return out;
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

  void set(const Field& field, Json& node) {
    if (node.is_object()) {
      set_mapping(field, node);
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
    const auto referral = select_referral(field, old_name, *field.candidates, false);
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
    const auto referral = select_referral(field, old_name, in_namespace_of(field, node), true);
    if (!referral) return;
    const Object& object = objects_[*referral];
    if (object.name() == old_name && object.namespace_name().empty()) return;
    node["name"] = object.name();
    // An empty namespace would not mean "default" here, so it is never written.
    if (!object.namespace_name().empty()) node["namespace"] = object.namespace_name();
  }

  Indices in_namespace_of(const Field& field, const Json& node) const {
    const auto ns = node.find("namespace");
    if (ns == node.end()) return *field.candidates;
    const std::string wanted = scalar_text(*ns);
    // Grouped by original namespace if any candidate started there, else by current one;
    // cluster-scoped candidates are in neither group.
    auto in_group = [&](bool original) {
      return sieve(*field.candidates, [&](std::size_t i) {
        if (is_cluster_scoped(objects_[i])) return false;
        ResourceId id = ResourceId::of(objects_[i]);
        if (original) id.namespace_ = history_[i].original_namespace;
        return id.effective_namespace() == wanted;
      });
    };
    Indices by_original = in_group(true);
    return by_original.empty() ? in_group(false) : by_original;
  }

  // nameref's selectReferral: the one candidate the old name can mean, nullopt if none.
  std::optional<std::size_t> select_referral(const Field& field, const std::string& old_name,
                                             const Indices& from, bool compare_namespaces) const {
    const NameBackReference& target = *field.target;
    const NameHistory& referrer_history = history_[field.referrer];
    Indices candidates = sieve(from, [&](std::size_t i) {
      const std::vector<std::string>& names = history_[i].previous_names;
      return std::find(names.begin(), names.end(), old_name) != names.end() &&
             gvk_selected(target.group, target.version, target.kind, objects_[i].gvk());
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
      return gvk_selected(group_text, "", kind_text, objects_[i].gvk());
    };
  }

  // Outside a cluster-scoped referrer, only cluster-scoped resources, ServiceAccounts and
  // resources in the referrer's namespace.
  std::function<bool(std::size_t)> same_namespace_filter(std::size_t referrer) const {
    if (is_cluster_scoped(objects_[referrer])) return [](std::size_t) { return true; };
    std::string namespace_ = ResourceId::of(objects_[referrer]).effective_namespace();
    return [this, namespace_](std::size_t i) {
      return is_cluster_scoped(objects_[i]) || objects_[i].gvk().kind == "ServiceAccount" ||
             ResourceId::of(objects_[i]).effective_namespace() == namespace_;
    };
  }

  std::vector<Object>& objects_;
  const std::vector<NameHistory>& history_;
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
