#pragma once
// What the cluster-facing commands (get, reconcile, suspend, resume) share: which kind a word
// names, the kubeconfig and namespace to use, flag spelling, and waiting on one object with a
// watch.

#include <atomic>
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "cli/app.h"
#include "core/duration.h"
#include "core/object.h"
#include "kube/client.h"
#include "kube/watch.h"
#include "runtime/abort_source.h"

namespace sluice::cli {

enum class ObjectKind { kApplication, kGitSource, kSigningPolicy };

struct KindInfo {
  ObjectKind kind;
  std::string_view name;    // "Application": the kind, in progress lines
  std::string_view noun;    // "application": in error messages, as kubectl names resources
  std::string_view plural;  // "applications"
  bool namespaced;

  kube::Resource resource() const;
};

const KindInfo& kind_info(ObjectKind kind);

// The kind a command-line word names: app, apps, application, applications; source, sources,
// gitsource, gitsources; policy, policies, signingpolicy, signingpolicies (any letter case, and
// the `<plural>.sluice.dev` spelling). Error(kInvalidArgument) for anything else.
const KindInfo& parse_kind(std::string_view word);

// The flags every cluster command takes.
struct ClusterFlags {
  std::string kubeconfig;  // --kubeconfig; empty: $KUBECONFIG, else ~/.kube/config
  std::string ns;          // -n/--namespace; empty: the kubeconfig context's, else "default"

  // Records `value` when `flag` is one of these; returns whether it was.
  bool take(const std::string& flag, const std::string& value);
};

// Rewrites kubectl's short flags into the long form for_each_argument reads: "-n NS", "-n=NS"
// and "-nNS" become "--namespace=NS"; "-A" is "--all-namespaces=true", "-w" "--watch=true";
// the long `boolean_flags` given alone get "=true". Anything after "--" stays as it is; other
// short flags are left for for_each_argument to refuse.
std::vector<std::string> normalize_flags(std::span<const std::string> args,
                                         std::initializer_list<std::string_view> boolean_flags);

// The kubeconfig to read: `flag`, else $KUBECONFIG (the first existing file of a
// colon-separated list; sluice does not merge several), else $HOME/.kube/config.
// Error(kFailedPrecondition) when none can be named.
std::filesystem::path kubeconfig_path(const std::string& flag);

// A client for the cluster the flags name, and the namespace they select.
struct Cluster {
  kube::Client client;
  std::string ns;
};
Cluster connect(const ClusterFlags& flags);

// An object's Ready condition (status.conditions, type Ready): "True", "False" or "Unknown"
// (also when there is none), with its reason and message.
struct ReadyCondition {
  bool present = false;
  std::string status = "Unknown";
  std::string reason;
  std::string message;
};
ReadyCondition ready_condition(const Json& object);

// A GET of one object; a missing object is Error(kNotFound) worded as kubectl words it:
// `application "x" not found in namespace "y"` (no namespace for cluster-scoped kinds).
Json get_object(const kube::Client& client, const KindInfo& kind, const std::string& ns,
                const std::string& name);
// A JSON merge patch of one object, with the same not-found wording.
Json patch_object(const kube::Client& client, const KindInfo& kind, const std::string& ns,
                  const std::string& name, const Json& patch);
// `application "x"`, as kubectl names an object.
std::string describe(const KindInfo& kind, const std::string& name);
// `application "x" not found in namespace "y"` (no namespace for cluster-scoped kinds).
Error object_not_found(const KindInfo& kind, const std::string& ns, const std::string& name);

// What follow_watch does with what it sees.
struct WatchHandlers {
  // An added, modified or deleted object (bookmarks are not passed on); true stops the watch.
  std::function<bool(kube::WatchEvent& event)> on_event;
  // After 410 Gone: read again and return the resourceVersion to watch from; nullopt stops.
  std::function<std::optional<std::string>()> resync;
};

// Watches the collection of `kind` in `ns` (all namespaces when empty; one object when `name`
// is given) from `version` on, resuming where the server ended a watch, until a handler says
// stop. Throws kCancelled when `abort` fires, and whatever the watch or a handler throws.
void follow_watch(const kube::Client& client, const KindInfo& kind, const std::string& ns,
                  const std::string& name, std::string version, const WatchHandlers& handlers,
                  runtime::AbortSource& abort);

// Watches object `name` (a watch on its collection with a metadata.name field selector) until
// `done` returns true for it, and returns that object. `start` is the object as last read:
// it is checked first, and the watch starts at its resourceVersion, so no change after it is
// missed. Throws kNotFound when the object is deleted, kCancelled when `abort` fires.
Json wait_for_object(const kube::Client& client, const KindInfo& kind, const std::string& ns,
                     const std::string& name, Json start,
                     const std::function<bool(const Json&)>& done, runtime::AbortSource& abort);

// An AbortSource that aborts itself when `timeout` has passed.
class Deadline {
 public:
  explicit Deadline(Duration timeout);
  Deadline(const Deadline&) = delete;
  Deadline& operator=(const Deadline&) = delete;
  ~Deadline() = default;

  runtime::AbortSource& abort() { return *abort_; }
  bool expired() const { return expired_->load(); }

 private:
  runtime::AbortSourcePtr abort_;
  std::shared_ptr<std::atomic<bool>> expired_;
  runtime::Timer timer_;  // last: cancelled before what its callback uses goes
};

// While it lives, SIGINT and SIGTERM abort `abort` instead of ending the process (a handler
// wakes a thread through a pipe; the previous handlers come back in the destructor). One at a
// time per process.
class InterruptScope {
 public:
  explicit InterruptScope(runtime::AbortSource& abort);
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;
  ~InterruptScope();

  bool interrupted() const { return interrupted_.load(); }

 private:
  std::atomic<bool> interrupted_{false};
  std::thread waiter_;
};

}  // namespace sluice::cli
