// The informer cache (operator/src/kube/informer.h) against `kubectl get configmaps -A -o json`
// on the same kube-apiserver, in one run:
//  * creates N ConfigMaps (default 10,000; ~500 bytes each: four data keys and two labels) in
//    one namespace, unless they exist already;
//  * for each store format (compact JSON text, nlohmann tree) and for the text format without
//    stripping managedFields, starts an informer over all namespaces' ConfigMaps and measures
//    the time until has_synced() and the heap it keeps (mallinfo2 in-use bytes after sync minus
//    before, divided by the objects cached) and the process RSS growth;
//  * runs kubectl, measuring its wall time and maximum RSS (wait4).
// Only a 127.0.0.1 apiserver is accepted (the test env's: `. build/env/cluster.env.sh`).
// See docs/benchmarks.md ("Kubernetes client: informer cache").

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <malloc.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/error.h"
#include "kube/client.h"
#include "kube/config.h"
#include "kube/informer.h"
#include "runtime/abort_source.h"
#include "runtime/fiber_pool.h"

namespace {

using Clock = std::chrono::steady_clock;
using sluice::Json;
namespace kube = sluice::kube;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::size_t heap_in_use() {
  return mallinfo2().uordblks;
}

long rss_kib() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  in >> one >> five >> fifteen;
  return one + " " + five + " " + fifteen;
}

Json config_map(const std::string& name, int i) {
  // ~500 bytes as stored: realistic small application settings.
  const std::string n = std::to_string(i);
  return {
      {"apiVersion", "v1"},
      {"kind", "ConfigMap"},
      {"metadata",
       {{"name", name},
        {"labels",
         {{"app.kubernetes.io/name", "bench"}, {"app.kubernetes.io/part-of", "sluice"}}}}},
      {"data",
       {{"LOG_LEVEL", "info"},
        {"DATABASE_URL", "postgres://app:secret@db-" + n + ".internal:5432/app?sslmode=require"},
        {"FEATURE_FLAGS", "search,checkout-v2,recommendations,dark-mode,beta-" + n},
        {"application.properties",
         "server.port=8080\nmanagement.port=8081\ncache.ttl=300\nretry.max=5\n"}}}};
}

void create_objects(const kube::Client& client, const std::string& ns, int count) {
  try {
    client.create(kube::namespaces(), "", {{"metadata", {{"name", ns}}}});
  } catch (const sluice::Error& e) {
    if (e.code() != sluice::ErrorCode::kAlreadyExists) throw;
  }
  const std::size_t have = client.list_all(kube::configmaps(), ns).size();
  if (have >= static_cast<std::size_t>(count)) return;
  std::printf("creating %d ConfigMaps in %s ...\n", count, ns.c_str());
  const auto start = Clock::now();
  sluice::runtime::FiberPool pool(2);
  std::vector<boost::fibers::future<void>> done;
  constexpr int kFibers = 16;
  for (int f = 0; f < kFibers; ++f) {
    done.push_back(pool.submit([&client, &ns, count, f] {
      for (int i = f; i < count; i += kFibers) {
        const std::string name = "bench-" + std::to_string(i);
        try {
          client.create(kube::configmaps(), ns, config_map(name, i));
        } catch (const sluice::Error& e) {
          if (e.code() != sluice::ErrorCode::kAlreadyExists) throw;
        }
      }
    }));
  }
  for (auto& d : done) d.get();
  std::printf("created in %.1f s\n", seconds_since(start));
}

struct InformerFigures {
  double sync_seconds = 0;
  std::size_t objects = 0;
  double heap_per_object = 0;
  long rss_growth_kib = 0;
  double json_bytes_per_object = 0;  // minified, as cached
};

InformerFigures measure_informer(const kube::Client& client, kube::StoreFormat format,
                                 bool strip_managed_fields) {
  kube::Resource all_namespaces = kube::configmaps();
  all_namespaces.namespaced = false;  // /api/v1/configmaps: every namespace, as kubectl -A
  kube::InformerOptions options;
  options.format = format;
  options.strip_managed_fields = strip_managed_fields;
  options.events = false;  // the store alone; a consumer would add its own costs

  malloc_trim(0);
  const std::size_t heap_before = heap_in_use();
  const long rss_before = rss_kib();
  InformerFigures figures;
  {
    kube::Informer informer(client, all_namespaces, "", options);
    sluice::runtime::AbortSource abort;
    const auto start = Clock::now();
    std::thread runner([&] { informer.run(abort); });
    informer.wait_for_sync(abort);
    figures.sync_seconds = seconds_since(start);
    figures.objects = informer.size();
    malloc_trim(0);
    figures.heap_per_object =
        static_cast<double>(heap_in_use() - heap_before) / static_cast<double>(figures.objects);
    figures.rss_growth_kib = rss_kib() - rss_before;
    std::size_t text_bytes = 0;
    for (const auto& object : informer.list()) text_bytes += object.dump().size();
    figures.json_bytes_per_object =
        static_cast<double>(text_bytes) / static_cast<double>(figures.objects);
    abort.request_abort("done");
    runner.join();
  }
  return figures;
}

struct ChildFigures {
  double seconds = 0;
  long max_rss_kib = 0;
  int status = -1;
};

ChildFigures run_kubectl() {
  const auto start = Clock::now();
  const pid_t pid = fork();
  if (pid == 0) {
    const int null = open("/dev/null", O_WRONLY);
    dup2(null, 1);
    execlp("kubectl", "kubectl", "get", "configmaps", "-A", "-o", "json", nullptr);
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  return {.seconds = seconds_since(start), .max_rss_kib = usage.ru_maxrss, .status = status};
}

}  // namespace

int main(int argc, char** argv) {
  int count = 10000;
  std::string ns = "bench-informer";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--count") count = std::atoi(argv[i + 1]);
    if (flag == "--namespace") ns = argv[i + 1];
  }
  const char* kubeconfig = std::getenv("KUBECONFIG");
  if (kubeconfig == nullptr) {
    std::fprintf(stderr, "set KUBECONFIG (. build/env/cluster.env.sh)\n");
    return 2;
  }
  try {
    const kube::ClusterConfig config = kube::load_kubeconfig(kubeconfig);
    if (config.server.rfind("https://127.0.0.1:", 0) != 0) {
      std::fprintf(stderr, "refusing a non-loopback apiserver: %s\n", config.server.c_str());
      return 2;
    }
    kube::ClientOptions options;
    options.qps = 0;
    const kube::Client client(config, options);
    std::printf("load average before: %s\n", load_average().c_str());
    create_objects(client, ns, count);

    struct Case {
      const char* name;
      kube::StoreFormat format;
      bool strip;
    };
    const Case cases[] = {
        {"informer, compact text, managedFields stripped (default)",
         kube::StoreFormat::kCompactText, true},
        {"informer, nlohmann tree, managedFields stripped", kube::StoreFormat::kTree, true},
        {"informer, compact text, managedFields kept", kube::StoreFormat::kCompactText, false},
    };
    for (const auto& c : cases) {
      const InformerFigures f = measure_informer(client, c.format, c.strip);
      std::printf(
          "%-58s sync %.2f s, %zu objects of %.0f B JSON, heap %.0f B/object, RSS +%.1f MiB\n",
          c.name, f.sync_seconds, f.objects, f.json_bytes_per_object, f.heap_per_object,
          static_cast<double>(f.rss_growth_kib) / 1024.0);
    }
    const ChildFigures k = run_kubectl();
    std::printf("%-58s %.2f s, max RSS %.1f MiB (exit status %d)\n",
                "kubectl get configmaps -A -o json", k.seconds,
                static_cast<double>(k.max_rss_kib) / 1024.0, k.status);
    std::printf("load average after: %s\n", load_average().c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
