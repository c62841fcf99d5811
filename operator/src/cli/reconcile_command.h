#pragma once
// `sluice reconcile|suspend|resume app|source NAME [-n NS] [--kubeconfig PATH]`: ask the
// operator for a reconcile now, stop reconciling an object, start again. Flux-CLI-like output.
//
// reconcile [--with-source] [--timeout 5m]: refuses a suspended object; sets the annotation
//   sluice.dev/reconcile-requested-at to the current time (RFC 3339, nanoseconds) with a merge
//   patch, then watches the object until status.lastHandledReconcileAt echoes that value, and
//   prints the result:
//     ► annotating Application shop in namespace shop
//     ✔ Application annotated
//     ◎ waiting for Application reconciliation
//     ✔ applied revision main@sha1:…          (a GitSource: ✔ fetched revision …)
//   or, on stderr with exit 1, "✗ <Ready reason>: <Ready message>" when the object is not
//   Ready afterwards, "✗ timed out waiting for Application reconciliation" after --timeout
//   (which bounds the whole command). --with-source (apps only) first does the same for the
//   app's GitSource (spec.sourceRef; its namespace defaults to the app's).
// suspend: sets spec.suspend to true: "► suspending …", "✔ Application suspended".
// resume [--timeout 5m]: sets spec.suspend to false and requests a reconcile in the same patch,
//   then waits and reports as reconcile does.
//
// Progress and results go to stdout, "✗" lines and "Error: …" lines to stderr.

#include <span>
#include <string>
#include <string_view>

#include "cli/app.h"
#include "cli/cluster_command.h"
#include "core/duration.h"

namespace sluice::cli {

enum class ObjectAction { kReconcile, kSuspend, kResume };

struct ObjectArgs {
  ObjectAction action = ObjectAction::kReconcile;
  const KindInfo* kind = nullptr;
  std::string name;
  ClusterFlags cluster;
  bool with_source = false;
  Duration timeout = std::chrono::minutes(5);
};

// Throws Error(kInvalidArgument) for a wrong command line.
ObjectArgs parse_object_args(ObjectAction action, std::span<const std::string> args);

int run_reconcile(const CommandContext& context);
int run_suspend(const CommandContext& context);
int run_resume(const CommandContext& context);

}  // namespace sluice::cli
