// Server-side apply throughput of kube::Client against the test environment's kube-apiserver,
// next to `kubectl apply --server-side -f` of the same objects, in one run.
//
// Cases (each on a fresh namespace, `--objects` ConfigMaps, default 2,000):
//  * sluice, 1 fiber: Client::apply of every object in turn;
//  * sluice, 8 fibers on a 2-thread FiberPool, each applying every 8th object;
//  * kubectl apply --server-side -f <one file with all objects> -n <namespace>.
// Each case applies twice: "create" (the objects are new) and "re-apply" (unchanged: the
// server answers without storing anything). The client's rate limit is turned off (qps 0) for
// the benchmark: the default 50 QPS / burst 100 would cap sluice at 50 objects/s and measure
// the limiter. Needs KUBECONFIG pointing at a 127.0.0.1 server (`. build/env/env.sh`).
// See docs/benchmarks.md ("Kubernetes client: server-side apply throughput").

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include <unistd.h>

#include "core/error.h"
#include "kube/client.h"
#include "kube/config.h"
#include "runtime/fiber_pool.h"

namespace {

using Clock = std::chrono::steady_clock;
using sluice::Json;
using sluice::kube::Client;

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  in >> one >> five >> fifteen;
  return one + " " + five + " " + fifteen;
}

double seconds_of(const std::function<void()>& body) {
  const auto start = Clock::now();
  body();
  return std::chrono::duration<double>(Clock::now() - start).count();
}

Json config_map(int i) {
  const std::string n = std::to_string(i);
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"name", "cm-" + n}, {"labels", {{"bench", "ssa"}}}}},
          {"data", {{"key", "value-" + n}, {"index", n}}}};
}

std::string yaml_of(int objects) {
  std::string text;
  for (int i = 0; i < objects; ++i) {
    const std::string n = std::to_string(i);
    text += "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-" + n +
            "\n  labels:\n    bench: ssa\ndata:\n  key: value-" + n + "\n  index: \"" + n + "\"\n";
  }
  return text;
}

void apply_range(const Client& client, const std::string& ns, int objects, int first, int stride) {
  for (int i = first; i < objects; i += stride) {
    client.apply(sluice::kube::configmaps(), ns, "cm-" + std::to_string(i), config_map(i));
  }
}

void apply_with_fibers(sluice::runtime::FiberPool& pool, const Client& client,
                       const std::string& ns, int objects, int fibers) {
  if (fibers == 1) {
    pool.run([&] { apply_range(client, ns, objects, 0, 1); });
    return;
  }
  std::vector<boost::fibers::future<void>> done;
  done.reserve(static_cast<std::size_t>(fibers));
  for (int f = 0; f < fibers; ++f) {
    done.push_back(pool.submit([&, f] { apply_range(client, ns, objects, f, fibers); }));
  }
  for (auto& each : done) each.get();
}

void sh(const std::string& command) {
  if (std::system(command.c_str()) != 0) throw std::runtime_error("failed: " + command);
}

void print_row(const std::string& what, const std::string& pass, int objects, double seconds) {
  std::printf("| %-27s | %-8s | %6d | %7.2f | %8.1f |\n", what.c_str(), pass.c_str(), objects,
              seconds, objects / seconds);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  int objects = 2000;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::string(argv[i]) == "--objects") objects = std::atoi(argv[i + 1]);
  }
  const char* kubeconfig = std::getenv("KUBECONFIG");
  if (kubeconfig == nullptr || objects <= 0) {
    std::fprintf(stderr, "usage: . build/env/env.sh; %s [--objects N]\n", argv[0]);
    return 2;
  }
  try {
    sluice::kube::ClusterConfig config = sluice::kube::load_kubeconfig(kubeconfig);
    if (config.server.find("://127.0.0.1:") == std::string::npos) {
      std::fprintf(stderr, "refusing to benchmark %s: only a 127.0.0.1 apiserver\n",
                   config.server.c_str());
      return 2;
    }
    sluice::kube::ClientOptions options;
    options.qps = 0;  // no client-side limit: measure the client and the server
    const Client client(config, options);
    sluice::runtime::FiberPool pool(2);

    const std::string prefix = "bench-ssa-" + std::to_string(::getpid());
    const std::string file = "/tmp/" + prefix + ".yaml";
    std::ofstream(file) << yaml_of(objects);
    std::printf("load average before: %s\n", load_average().c_str());
    std::printf("| %-27s | %-8s | %6s | %7s | %8s |\n", "client", "pass", "objects", "seconds",
                "objects/s");
    std::printf("| --- | --- | --- | --- | --- |\n");

    std::vector<std::string> namespaces;
    auto fresh_namespace = [&](const std::string& suffix) {
      const std::string ns = prefix + "-" + suffix;
      client.create(sluice::kube::namespaces(), "",
                    {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", ns}}}});
      namespaces.push_back(ns);
      return ns;
    };
    for (const int fibers : {1, 8}) {
      const std::string ns = fresh_namespace("f" + std::to_string(fibers));
      const std::string what =
          "sluice, " + std::to_string(fibers) + " fiber" + (fibers == 1 ? "" : "s");
      for (const char* pass : {"create", "re-apply"}) {
        print_row(what, pass, objects,
                  seconds_of([&] { apply_with_fibers(pool, client, ns, objects, fibers); }));
      }
    }
    const std::string kubectl_ns = fresh_namespace("kubectl");
    for (const char* pass : {"create", "re-apply"}) {
      print_row(
          "kubectl apply --server-side", pass, objects, seconds_of([&] {
            sh("kubectl apply --server-side -n " + kubectl_ns + " -f " + file + " >/dev/null");
          }));
    }
    // Every case stored every object.
    for (const auto& ns : namespaces) {
      const auto stored = client.list_all(
          sluice::kube::configmaps(), ns,
          {.label_selector = "bench=ssa", .field_selector = {}, .limit = {}, .continue_token = {}});
      if (static_cast<int>(stored.size()) != objects) {
        throw std::runtime_error(ns + " holds " + std::to_string(stored.size()) + " objects");
      }
    }
    std::printf("load average after: %s\n", load_average().c_str());
    for (const auto& ns : namespaces) client.remove(sluice::kube::namespaces(), "", ns);
    std::remove(file.c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
