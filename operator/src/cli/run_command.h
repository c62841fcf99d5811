#pragma once
// `sluice run`: the operator. Flags:
//   --kubeconfig PATH          else $KUBECONFIG, else the in-cluster service account
//   --metrics-addr HOST:PORT   /metrics (default 127.0.0.1:8080)
//   --health-addr HOST:PORT    /healthz, /readyz (default 127.0.0.1:8081)
//   --webhook-addr HOST:PORT   the webhook receiver, POST /hook/... (default: none)
//   --status-addr HOST:PORT    the read-only status page, GET / (default: none); it shows
//                              what the operator watches to whoever reaches it: keep it on
//                              127.0.0.1 (port-forward) or behind authentication
//   --concurrency N            reconciles in parallel per pipeline stage (default 4)
//   --namespace NS             watch one namespace (default: all)
//   --storage-dir DIR          source snapshots and the repository cache (default /tmp/sluice)
//   --operator-namespace NS    where policy Secrets without a namespace live (default: the
//                              pod's namespace, $POD_NAMESPACE, else sluice-system)
// Runs until SIGINT or SIGTERM, then drains and exits 0.

#include "cli/app.h"

namespace sluice::cli {

int run_operator(const CommandContext& context);

}  // namespace sluice::cli
