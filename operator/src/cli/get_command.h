#pragma once
// `sluice get apps|sources|policies [NAME] [-n NS | -A] [--watch] [--kubeconfig PATH]`:
// a kubectl-style table of sluice's objects and their status.
//
//   apps:      NAME  READY  REVISION (status.lastAppliedRevision)  SUSPENDED  AGE  MESSAGE
//   sources:   NAME  READY  REVISION (status.artifact.revision)    SUSPENDED  AGE  MESSAGE
//   policies:  NAME  MODE  READY  AGE  MESSAGE   (cluster-scoped: -n and -A do not apply)
//
// READY is the Ready condition's status (Unknown without one), MESSAGE its message. -A lists
// every namespace, with a leading NAMESPACE column. No objects: "No resources found in NS
// namespace." on stderr and exit 0, as kubectl; a NAME that does not exist is an error (exit 1).
// --watch (-w) prints the table, then again on every change: after clearing the screen when
// stdout is a terminal, else after a blank line; SIGINT or SIGTERM end it with exit 0.

#include <chrono>
#include <span>
#include <string>
#include <vector>

#include "cli/app.h"
#include "cli/cluster_command.h"
#include "core/object.h"

namespace sluice::cli {

struct GetArgs {
  const KindInfo* kind = nullptr;
  std::string name;  // empty: all of them
  ClusterFlags cluster;
  bool all_namespaces = false;
  bool watch = false;
};

// Throws Error(kInvalidArgument) for a wrong command line.
GetArgs parse_get_args(std::span<const std::string> args);

// The table for `objects` of `kind` (in the order given) at time `now`.
std::vector<std::string> table_header(const KindInfo& kind, bool all_namespaces);
std::vector<std::string> table_row(const KindInfo& kind, const Json& object, bool all_namespaces,
                                   std::chrono::system_clock::time_point now);
std::string render_table(const KindInfo& kind, const std::vector<Json>& objects,
                         bool all_namespaces, std::chrono::system_clock::time_point now);

int run_get(const CommandContext& context);

}  // namespace sluice::cli
