#include "cli/reconcile_command.h"

#include <chrono>

#include "api/group.h"
#include "cli/command_line.h"
#include "cli/table.h"
#include "core/rfc3339.h"

namespace sluice::cli {
namespace {

std::string command_name(ObjectAction action) {
  switch (action) {
    case ObjectAction::kReconcile:
      return "reconcile";
    case ObjectAction::kSuspend:
      return "suspend";
    case ObjectAction::kResume:
      return "resume";
  }
  return "reconcile";
}

bool is_suspended(const Json& object) {
  const Json* suspend = find_member(object, {"spec", "suspend"});
  return suspend != nullptr && suspend->is_boolean() && suspend->get<bool>();
}

Json annotation_patch(const std::string& requested) {
  Json annotations = Json::object();
  annotations[std::string(api::annotation::kReconcileRequestedAt)] = requested;
  Json metadata = Json::object();
  metadata["annotations"] = std::move(annotations);
  Json patch = Json::object();
  patch["metadata"] = std::move(metadata);
  return patch;
}

Json suspend_patch(bool suspend) {
  Json spec = Json::object();
  spec["suspend"] = suspend;
  Json patch = Json::object();
  patch["spec"] = std::move(spec);
  return patch;
}

// One object being worked on.
struct Target {
  const KindInfo& kind;
  std::string ns;
  std::string name;

  std::string where() const { return std::string(kind.name) + " " + name + " in namespace " + ns; }
};

// Watches `target` (as `patched`, just written) until its status.lastHandledReconcileAt is
// `requested`, then reports its Ready condition. Returns whether it is Ready.
bool wait_and_report(const CommandContext& context, const kube::Client& client,
                     const Target& target, const Json& patched, const std::string& requested,
                     Deadline& deadline) {
  context.out << "◎ waiting for " << target.kind.name << " reconciliation\n";
  context.out.flush();
  Json object;
  try {
    object = wait_for_object(
        client, target.kind, target.ns, target.name, patched,
        [&](const Json& candidate) {
          return string_member(candidate, {"status", "lastHandledReconcileAt"}) == requested;
        },
        deadline.abort());
  } catch (const Error& e) {
    if (e.code() != ErrorCode::kCancelled || !deadline.expired()) throw;
    context.err << "✗ timed out waiting for " << target.kind.name << " reconciliation\n";
    return false;
  }
  const ReadyCondition ready = ready_condition(object);
  if (ready.status == "True") {
    if (target.kind.kind == ObjectKind::kApplication) {
      context.out << "✔ applied revision "
                  << string_member(object, {"status", "lastAppliedRevision"}) << "\n";
    } else {
      context.out << "✔ fetched revision "
                  << string_member(object, {"status", "artifact", "revision"}) << "\n";
    }
    return true;
  }
  context.out.flush();
  if (!ready.present) {
    context.err << "✗ " << target.kind.name << " has no Ready condition\n";
  } else {
    context.err << "✗ " << (ready.reason.empty() ? "NotReady" : ready.reason)
                << (ready.message.empty() ? "" : ": " + one_line(ready.message)) << "\n";
  }
  return false;
}

// Annotates `target` with a new reconcile request, waits for it and reports.
bool reconcile(const CommandContext& context, const kube::Client& client, const Target& target,
               Deadline& deadline) {
  context.out << "► annotating " << target.where() << "\n";
  context.out.flush();
  const std::string requested = format_rfc3339(std::chrono::system_clock::now(), 9);
  const Json patched =
      patch_object(client, target.kind, target.ns, target.name, annotation_patch(requested));
  context.out << "✔ " << target.kind.name << " annotated\n";
  return wait_and_report(context, client, target, patched, requested, deadline);
}

void refuse_suspended(const Target& target, const Json& object) {
  if (is_suspended(object)) {
    throw Error(ErrorCode::kFailedPrecondition,
                describe(target.kind, target.name) + " is suspended; resume it first");
  }
}

int reconcile_object(const CommandContext& context, const ObjectArgs& args) {
  const Cluster cluster = connect(args.cluster);
  const std::string& ns = cluster.ns;
  const Target target{*args.kind, ns, args.name};
  const Json object = get_object(cluster.client, target.kind, target.ns, target.name);
  refuse_suspended(target, object);
  Deadline deadline(args.timeout);
  if (args.with_source) {
    const std::string source_ns = string_member(object, {"spec", "sourceRef", "namespace"});
    const Target source{kind_info(ObjectKind::kGitSource), source_ns.empty() ? ns : source_ns,
                        string_member(object, {"spec", "sourceRef", "name"})};
    if (source.name.empty())
      throw invalid_argument(describe(target.kind, args.name) + " has no spec.sourceRef.name");
    refuse_suspended(source, get_object(cluster.client, source.kind, source.ns, source.name));
    if (!reconcile(context, cluster.client, source, deadline)) return kExitFailure;
  }
  return reconcile(context, cluster.client, target, deadline) ? kExitOk : kExitFailure;
}

int suspend_object(const CommandContext& context, const ObjectArgs& args) {
  const Cluster cluster = connect(args.cluster);
  const Target target{*args.kind, cluster.ns, args.name};
  context.out << "► suspending " << target.where() << "\n";
  context.out.flush();
  patch_object(cluster.client, target.kind, target.ns, target.name, suspend_patch(true));
  context.out << "✔ " << target.kind.name << " suspended\n";
  return kExitOk;
}

int resume_object(const CommandContext& context, const ObjectArgs& args) {
  const Cluster cluster = connect(args.cluster);
  const Target target{*args.kind, cluster.ns, args.name};
  Deadline deadline(args.timeout);
  context.out << "► resuming " << target.where() << "\n";
  context.out.flush();
  const std::string requested = format_rfc3339(std::chrono::system_clock::now(), 9);
  Json patch = suspend_patch(false);
  patch.merge_patch(annotation_patch(requested));
  const Json patched = patch_object(cluster.client, target.kind, target.ns, target.name, patch);
  context.out << "✔ " << target.kind.name << " resumed\n";
  return wait_and_report(context, cluster.client, target, patched, requested, deadline)
             ? kExitOk
             : kExitFailure;
}

template <ObjectAction action>
ObjectArgs parse(std::span<const std::string> args) {
  return parse_object_args(action, args);
}

}  // namespace

ObjectArgs parse_object_args(ObjectAction action, std::span<const std::string> args) {
  ObjectArgs parsed;
  parsed.action = action;
  const std::string command = command_name(action);
  const std::vector<std::string> normalized = normalize_flags(args, {"--with-source"});
  for_each_argument(
      normalized,
      [&](const std::string& flag, const std::string& value) {
        if (parsed.cluster.take(flag, value)) return;
        if (flag == "--with-source" && action == ObjectAction::kReconcile) {
          parsed.with_source = parse_bool_flag(flag, value);
        } else if (flag == "--timeout" && action != ObjectAction::kSuspend) {
          parsed.timeout = parse_duration(value);
          if (parsed.timeout <= Duration::zero())
            throw invalid_argument("--timeout must be positive");
        } else {
          throw invalid_argument("unknown flag " + flag + " for " + command);
        }
      },
      [&](const std::string& arg) {
        if (parsed.kind == nullptr) {
          parsed.kind = &parse_kind(arg);
          if (parsed.kind->kind == ObjectKind::kSigningPolicy) {
            throw invalid_argument(command + " works on apps and sources, not on policies");
          }
        } else if (parsed.name.empty()) {
          parsed.name = arg;
        } else {
          throw invalid_argument(command + " takes one NAME; got \"" + arg + "\" too");
        }
      });
  if (parsed.kind == nullptr || parsed.name.empty()) {
    throw invalid_argument(command + " needs a kind and a name: sluice " + command +
                           " app|source NAME");
  }
  if (parsed.with_source && parsed.kind->kind != ObjectKind::kApplication) {
    throw invalid_argument("--with-source is for apps: a source is reconciled by itself");
  }
  return parsed;
}

int run_reconcile(const CommandContext& context) {
  return run_command_with_code<ObjectArgs>(
      context, &parse<ObjectAction::kReconcile>,
      [&](ObjectArgs& args) { return reconcile_object(context, args); });
}

int run_suspend(const CommandContext& context) {
  return run_command_with_code<ObjectArgs>(
      context, &parse<ObjectAction::kSuspend>,
      [&](ObjectArgs& args) { return suspend_object(context, args); });
}

int run_resume(const CommandContext& context) {
  return run_command_with_code<ObjectArgs>(
      context, &parse<ObjectAction::kResume>,
      [&](ObjectArgs& args) { return resume_object(context, args); });
}

}  // namespace sluice::cli
