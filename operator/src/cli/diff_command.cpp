#include "cli/diff_command.h"

#include <filesystem>
#include <set>
#include <vector>

#include "api/application.h"
#include "api/conditions.h"
#include "api/git_source.h"
#include "api/group.h"
#include "apply/applier.h"
#include "apply/inventory.h"
#include "apply/pruner.h"
#include "apply/result.h"
#include "apply/staging.h"
#include "cli/command_line.h"
#include "cli/diff_objects.h"
#include "cli/table.h"
#include "controller/application_render.h"
#include "controller/git_source_reconciler.h"
#include "core/unified_diff.h"
#include "core/yaml_writer.h"
#include "git/pull.h"
#include "git/ref.h"
#include "kube/discovery.h"
#include "render/file_system.h"

namespace sluice::cli {
namespace {

namespace fs = std::filesystem;

constexpr int kExitChanges = 1;
constexpr int kExitError = 2;

// The manifests to diff, and where they came from.
struct Rendered {
  std::vector<Object> objects;
  std::string origin;  // "revision main@sha1:…" or "folder ./x"
};

// The commit of a Flux-style revision: "main@sha1:<sha>", "v1@sha1:<sha>", "sha1:<sha>".
std::string commit_of(const std::string& revision) {
  const std::size_t at = revision.rfind("sha1:");
  std::string sha = at == std::string::npos ? "" : revision.substr(at + 5);
  if (!git::is_full_sha(sha)) {
    throw invalid_argument("cannot read a commit from the revision \"" + revision + "\"");
  }
  return sha;
}

// What the operator's signing-policy gate said about `revision`, as a note for stderr.
void note_policy(const CommandContext& context, const Json& application,
                 const std::string& revision) {
  const api::Conditions conditions =
      api::Conditions::from_json(find_member(application, {"status", "conditions"}));
  const api::Condition* verified = conditions.find(api::condition::kVerified);
  const bool judged = verified != nullptr &&
                      string_member(application, {"status", "lastAttemptedRevision"}) == revision;
  if (!judged) {
    context.err << "◎ signing policies have not judged revision " << revision
                << " yet: the operator applies it only if they allow it\n";
  } else if (verified->status == api::ConditionStatus::kFalse) {
    context.err << "⚠ revision " << revision << " is refused by a signing policy ("
                << verified->reason << ": " << one_line(verified->message)
                << "): the operator will not apply it\n";
  }
}

// The GitSource's current revision, fetched and snapshotted into `temp` as the operator does.
fs::path fetch_revision(const CommandContext& context, const kube::Client& client,
                        const std::string& ns, const api::ApplicationSpec& spec,
                        const fs::path& temp, std::string& revision) {
  const std::string source_ns =
      spec.source_ref.namespace_.empty() ? ns : spec.source_ref.namespace_;
  const Json source =
      get_object(client, kind_info(ObjectKind::kGitSource), source_ns, spec.source_ref.name);
  const api::GitSourceSpec source_spec = api::parse_git_source_spec(Object(source));
  revision = string_member(source, {"status", "artifact", "revision"});
  if (revision.empty()) {
    throw Error(
        ErrorCode::kFailedPrecondition,
        "GitSource " + source_ns + "/" + spec.source_ref.name + " has not fetched a revision yet");
  }
  git::PullRequest request;
  request.url = source_spec.url;
  request.ref = git::Ref::commit(commit_of(revision));
  request.fetch.timeout = source_spec.timeout;
  if (source_spec.secret_name) {
    request.fetch.credentials =
        controller::read_git_credentials(client, source_ns, *source_spec.secret_name);
  }
  if (!source_spec.ignore.empty()) request.snapshot.ignore.push_back(source_spec.ignore);
  request.out = temp / "snapshot";
  fs::create_directories(temp / "cache");
  git::RepositoryCache cache(temp / "cache");
  const git::PullResult pulled = git::pull(cache, request);
  const std::string digest = string_member(source, {"status", "artifact", "digest"});
  if (!digest.empty() && digest != pulled.digest) {
    context.err << "⚠ the snapshot's digest " << pulled.digest << " differs from the artifact's "
                << digest << "\n";
  }
  return request.out;
}

Rendered render(const CommandContext& context, const kube::Client& client, kube::RestMapper& mapper,
                const Json& application, const DiffArgs& args, const fs::path& temp) {
  const Object app(application);
  const api::ApplicationSpec spec = api::parse_application_spec(app);
  Rendered rendered;
  fs::path root;
  fs::path dir;
  if (args.path) {
    dir = *args.path;
    root = render::work_tree_root(dir);
    rendered.origin = "folder " + *args.path;
    context.err << "◎ a local folder has no commit: signing policies are not checked\n";
  } else {
    std::string revision;
    root = fetch_revision(context, client, app.namespace_name(), spec, temp, revision);
    dir = controller::folder_in(root, spec.path);
    rendered.origin = "revision " + revision;
    note_policy(context, application, revision);
  }
  const StringMap variables = controller::read_substitutions(client, app.namespace_name(), spec);
  rendered.objects = controller::render_manifests(root, dir, spec, variables);
  controller::prepare_manifests(mapper, app, rendered.objects);
  return rendered;
}

enum class Change { kUnchanged, kCreated, kDrifted, kSkipped };

struct ObjectChange {
  Change change = Change::kUnchanged;
  std::string diff;  // kDrifted: the unified diff of the YAML texts
};

// What the render defines itself: the kinds of its CRDs and its Namespaces. An object of
// such a kind, or in such a namespace, cannot be dry-run before they exist.
struct Definitions {
  std::set<GroupKind> kinds;
  std::set<std::string> namespaces;

  explicit Definitions(const std::vector<Object>& objects) {
    for (const Object& object : objects) {
      const GroupKind kind = object.gvk().group_kind();
      if (apply::is_crd(kind)) {
        kinds.insert({string_member(object.json(), {"spec", "group"}),
                      string_member(object.json(), {"spec", "names", "kind"})});
      } else if (apply::is_namespace(kind)) {
        namespaces.insert(object.name());
      }
    }
  }
};

// One object: a dry-run apply compared with the live object.
ObjectChange diff_object(const kube::Client& client, kube::RestMapper& mapper,
                         const Definitions& defined, const Object& object) {
  const GroupVersionKind gvk = object.gvk();
  kube::Resource resource;
  try {
    resource = mapper.resource_for(gvk);
  } catch (const Error& e) {
    // Its CRD comes with it: the kind is not served yet, so the object is new.
    if (e.code() == ErrorCode::kNotFound && defined.kinds.contains(gvk.group_kind())) {
      return {Change::kCreated, ""};
    }
    throw;
  }
  const std::string ns = resource.namespaced ? object.namespace_name() : std::string();
  std::optional<Json> live;
  try {
    live = client.get(resource, ns, object.name());
  } catch (const Error& e) {
    if (e.code() != ErrorCode::kNotFound) throw;
  }
  if (live && Object(*live).annotation(api::annotation::kReconcile) == api::annotation::kDisabled) {
    return {Change::kSkipped, ""};
  }
  Json merged;
  try {
    merged = apply::server_side_apply(client, resource, ns, object, /*dry_run=*/true);
  } catch (const Error& e) {
    // Its namespace comes with it: the server cannot dry-run it before that exists.
    if (!live && e.code() == ErrorCode::kNotFound && defined.namespaces.contains(ns)) {
      return {Change::kCreated, ""};
    }
    throw;
  }
  if (!live) return {Change::kCreated, ""};
  Json before = comparable(std::move(*live));
  Json after = comparable(std::move(merged));
  if (before == after) return {Change::kUnchanged, ""};
  if (is_secret(before) || is_secret(after)) mask_secret_values(before, after);
  const std::string subject = apply::describe(object.id());
  return {Change::kDrifted, unified_diff(write_yaml(before), write_yaml(after),
                                         {subject + " (live)", subject + " (after apply)", 3})};
}

// What prune would delete: `entry` still exists, carries the Application's labels and is not
// annotated sluice.dev/prune: disabled (apply/pruner.h's rules).
bool would_prune(const kube::Client& client, kube::RestMapper& mapper,
                 const apply::InventoryEntry& entry, const apply::Owner& owner) {
  try {
    const kube::Resource resource = mapper.resource_for(entry.gvk());
    const Json live =
        client.get(resource, resource.namespaced ? entry.id.namespace_ : "", entry.id.name);
    return apply::owned_by(live, owner) &&
           Object(live).annotation(api::annotation::kPrune) != api::annotation::kDisabled;
  } catch (const Error& e) {
    if (e.code() == ErrorCode::kNotFound) return false;  // gone, or its kind is
    throw;
  }
}

int diff_application(const CommandContext& context, const DiffArgs& args) {
  const Cluster cluster = connect(args.cluster);
  const Json application =
      get_object(cluster.client, kind_info(ObjectKind::kApplication), cluster.ns, args.name);
  kube::RestMapper mapper(cluster.client);
  const TempDir temp("sluice-diff-");
  const Rendered rendered = render(context, cluster.client, mapper, application, args, temp.path());
  context.err << "◎ comparing " << rendered.objects.size() << " objects of the " << rendered.origin
              << " with the cluster (server-side dry-run)\n";
  context.err.flush();

  bool changes = false;
  std::vector<std::string> failures;
  const Definitions defined(rendered.objects);
  for (const std::vector<Object>& stage : apply::split_stages(rendered.objects)) {
    for (const Object& object : stage) {
      const std::string subject = apply::describe(object.id());
      try {
        const ObjectChange change = diff_object(cluster.client, mapper, defined, object);
        if (change.change == Change::kCreated) context.out << "► " << subject << " created\n";
        if (change.change == Change::kDrifted) {
          context.out << "► " << subject << " drifted\n" << change.diff;
        }
        changes = changes || change.change == Change::kCreated || change.change == Change::kDrifted;
      } catch (const Error& e) {
        failures.push_back(subject + ": " + e.message());
      }
    }
  }

  const Object app(application);
  const api::ApplicationSpec spec = api::parse_application_spec(app);
  const apply::Inventory previous =
      apply::Inventory::from_status(find_member(application, {"status", "inventory"}));
  const std::vector<apply::InventoryEntry> stale =
      previous.stale_in(apply::Inventory::of(rendered.objects));
  if (!spec.prune && !stale.empty()) {
    context.err << "◎ " << stale.size()
                << " objects left the revision; spec.prune is off, so they stay\n";
  } else if (failures.empty()) {
    const apply::Owner owner{app.name(), app.namespace_name()};
    for (const apply::InventoryEntry& entry : stale) {
      if (!would_prune(cluster.client, mapper, entry, owner)) continue;
      context.out << "► " << apply::describe(entry.id) << " deleted\n";
      changes = true;
    }
  }
  context.out.flush();
  if (!failures.empty()) {
    std::string message = std::to_string(failures.size()) + " of " +
                          std::to_string(rendered.objects.size()) +
                          " objects could not be diffed: ";
    for (std::size_t i = 0; i < failures.size() && i < 3; ++i) {
      message += (i == 0 ? "" : "; ") + failures[i];
    }
    if (failures.size() > 3) message += "; and " + std::to_string(failures.size() - 3) + " more";
    throw Error(ErrorCode::kUnavailable, message);
  }
  return changes ? kExitChanges : kExitOk;
}

}  // namespace

DiffArgs parse_diff_args(std::span<const std::string> args) {
  DiffArgs parsed;
  bool kind_given = false;
  const std::vector<std::string> normalized = normalize_flags(args, {});
  for_each_argument(
      normalized,
      [&](const std::string& flag, const std::string& value) {
        if (parsed.cluster.take(flag, value)) return;
        if (flag == "--path") {
          if (value.empty()) throw invalid_argument("--path needs a folder");
          parsed.path = value;
        } else {
          throw invalid_argument("unknown flag " + flag + " for diff");
        }
      },
      [&](const std::string& arg) {
        if (!kind_given) {
          if (parse_kind(arg).kind != ObjectKind::kApplication) {
            throw invalid_argument("diff works on apps: sluice diff app NAME");
          }
          kind_given = true;
        } else if (parsed.name.empty()) {
          parsed.name = arg;
        } else {
          throw invalid_argument("diff takes one NAME; got \"" + arg + "\" too");
        }
      });
  if (!kind_given || parsed.name.empty()) {
    throw invalid_argument("diff needs a kind and a name: sluice diff app NAME");
  }
  return parsed;
}

int run_diff(const CommandContext& context) {
  DiffArgs args;
  try {
    args = parse_diff_args(context.args);
  } catch (const Error& e) {
    report_error(context.err, e);
    return kExitError;
  }
  try {
    return diff_application(context, args);
  } catch (...) {
    context.out.flush();
    report_error(context.err, Error::from_current_exception());
    return kExitError;
  }
}

}  // namespace sluice::cli
