#include "server/debug_vars.h"

#include <chrono>
#include <fstream>
#include <sstream>
#include <utility>

#include <sys/resource.h>

#include "core/error.h"

namespace sluice::server {
namespace {

const std::chrono::steady_clock::time_point kProcessStart = std::chrono::steady_clock::now();

// A "Key:   123 kB" line of /proc/self/status, in bytes (kB is KiB there); -1 when absent.
long long status_field(const std::string& status, const std::string& key) {
  const std::size_t at = status.find("\n" + key + ":");
  if (at == std::string::npos) return -1;
  std::istringstream line(status.substr(at + key.size() + 2));
  long long value = -1;
  std::string unit;
  line >> value >> unit;
  return unit == "kB" ? value * 1024 : value;
}

}  // namespace

DebugVars::DebugVars(std::vector<std::string> cmdline) : cmdline_(std::move(cmdline)) {}

void DebugVars::set(const std::string& name, Read read) {
  std::lock_guard lock(mu_);
  for (auto& [existing, function] : vars_) {
    if (existing == name) {
      function = std::move(read);
      return;
    }
  }
  vars_.emplace_back(name, std::move(read));
}

Json DebugVars::snapshot() const {
  std::vector<std::pair<std::string, Read>> vars;
  {
    std::lock_guard lock(mu_);
    vars = vars_;
  }
  Json out = Json::object();
  out["cmdline"] = cmdline_;
  out["process"] = process_vars();
  for (const auto& [name, read] : vars) {
    try {
      out[name] = read();
    } catch (...) {
      out[name] = Json{{"error", Error::from_current_exception().message()}};
    }
  }
  return out;
}

Json process_vars() {
  Json out = Json::object();
  std::ifstream file("/proc/self/status");
  std::stringstream text;
  text << "\n" << file.rdbuf();
  const std::string status = text.str();
  if (const long long rss = status_field(status, "VmRSS"); rss >= 0) out["rss_bytes"] = rss;
  if (const long long peak = status_field(status, "VmHWM"); peak >= 0) {
    out["peak_rss_bytes"] = peak;
  }
  if (const long long threads = status_field(status, "Threads"); threads >= 0) {
    out["threads"] = threads;
  }
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) == 0) {
    const auto seconds = [](const timeval& t) {
      return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
    };
    out["cpu_seconds"] = seconds(usage.ru_utime) + seconds(usage.ru_stime);
  }
  out["uptime_seconds"] =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - kProcessStart).count();
  return out;
}

void mount_debug_vars(HttpServer& server, const DebugVarsPtr& vars) {
  server.handle("GET", "/debug/vars", [vars](const HttpRequest&, HttpResponse& response) {
    response.content_type = "application/json";
    response.body = vars->snapshot().dump(2) + "\n";
  });
}

}  // namespace sluice::server
