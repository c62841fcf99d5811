#pragma once
// `sluice diff app NAME [-n NS] [--path DIR] [--kubeconfig PATH]`: what applying the
// Application's current revision (or a local folder, e.g. a pull request's checkout) would
// change in the cluster, as `flux diff kustomization` shows it. Nothing is written.
//
//  1. The manifests, rendered exactly as the operator renders them (controller/
//     application_render.h: spec.path, postBuild substitution, targetNamespace, scopes,
//     ownership labels) from the GitSource's status.artifact.revision, fetched into a temporary
//     folder with the GitSource's url, ignore rules and secretRef credentials; or, with
//     --path, from DIR itself (read nothing outside the Git work tree holding it, as
//     `sluice build DIR`). Signing policies are not evaluated here: a note on stderr says
//     when the operator refused the revision, has not judged it yet, or (--path) that a folder
//     has no commit to judge.
//  2. Each object, in apply order, goes to the API server as the operator's server-side apply
//     (field manager "sluice", forced) with dryRun=All, and the answer is compared with the
//     live object (cli/diff_objects.h: without managedFields, resourceVersion, generation,
//     uid, creationTimestamp and status). Objects annotated sluice.dev/reconcile: disabled
//     are left out, as the operator leaves them alone.
//  3. With spec.prune, the objects of status.inventory that the render no longer holds and
//     that prune would delete (still there, still labelled as the Application's, not
//     annotated sluice.dev/prune: disabled). Left out when an object could not be diffed.
//
// Output (stdout), per object:
//   ► ConfigMap/shop/settings created
//   ► Deployment/shop/web drifted
//   --- Deployment/shop/web (live)
//   +++ Deployment/shop/web (after apply)
//   @@ -12,7 +12,7 @@ ...                  (a unified diff of the two YAML texts)
//   ► ConfigMap/shop/old deleted
// Secret values are masked (***, *** (before), *** (after)); no value is ever printed.
// Notes go to stderr. Exit codes as flux diff's: 0 no change, 1 changes, 2 an error (a bad
// command line, an unknown Application, a failed fetch, render or dry-run), with one
// "Error: ..." line on stderr after whatever could be shown.
//
// Requests go out with the user's kubeconfig (not as the Application's serviceAccountName), so
// they need read rights on what is diffed and on the Application's Secrets, and patch rights
// for the dry-run.

#include <optional>
#include <span>
#include <string>

#include "cli/app.h"
#include "cli/cluster_command.h"

namespace sluice::cli {

struct DiffArgs {
  std::string name;
  ClusterFlags cluster;
  std::optional<std::string> path;  // --path DIR
};

// Throws Error(kInvalidArgument) for a wrong command line.
DiffArgs parse_diff_args(std::span<const std::string> args);

int run_diff(const CommandContext& context);

}  // namespace sluice::cli
