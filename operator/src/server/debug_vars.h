#pragma once

// /debug/vars: the operator's internals as one JSON object, in the spirit of Go's expvar, for a
// person (or a script) asking "what is it doing right now?" without a Prometheus server: queue
// depths, runs in flight, informer sizes, per-stage latency, memory. Metrics are for trends and
// alerts; this is a snapshot, cheap enough to curl in a loop.
//
// Each variable is a named function returning JSON, called when the page is requested (on the
// server's thread: keep it quick and thread-safe, as for health checks). Two are always there:
// "cmdline" (argv, as expvar has it) and "process" (resident and peak memory, CPU seconds,
// threads, uptime, read from /proc/self and getrusage).

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/json.h"
#include "server/http_server.h"

namespace sluice::server {

class DebugVars {
 public:
  using Read = std::function<Json()>;

  explicit DebugVars(std::vector<std::string> cmdline = {});

  // Adds or replaces variable `name`. Callable at any time, also while serving.
  void set(const std::string& name, Read read);

  // Every variable, keys sorted; a variable whose function throws shows {"error": message}.
  Json snapshot() const;

 private:
  std::vector<std::string> cmdline_;
  mutable std::mutex mu_;  // guards the list, never held while a function runs
  std::vector<std::pair<std::string, Read>> vars_;
};

using DebugVarsPtr = std::shared_ptr<DebugVars>;

// The "process" variable: {"rss_bytes", "peak_rss_bytes", "cpu_seconds", "threads",
// "uptime_seconds"}. Fields that cannot be read are left out.
Json process_vars();

// Serves GET /debug/vars from `vars` as application/json (the server keeps it alive).
void mount_debug_vars(HttpServer& server, const DebugVarsPtr& vars);

}  // namespace sluice::server
