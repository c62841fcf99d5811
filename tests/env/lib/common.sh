# shellcheck shell=bash disable=SC2034  # variables are used by the sourcing scripts
# Shared helpers for tests/env/cluster-up and cluster-down. Sourced, not executed.

ENV_LIB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$ENV_LIB_DIR/../../.." && pwd)"
ENV_DIR="$REPO_ROOT/build/env"
CERT_DIR="$ENV_DIR/certs"
PID_DIR="$ENV_DIR/pids"
PORTS_FILE="$ENV_DIR/ports"
KUBECONFIG_FILE="$ENV_DIR/kubeconfig"
ENV_SH="$ENV_DIR/cluster.env.sh"  # the cluster part of env.sh (tests/env/up merges)
TOKEN_FILE="$ENV_DIR/sluice-sa.token"
# Names of the components we start, in start order (cluster-down stops them in reverse).
ENV_COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)
# The fake nodes kwok plays the kubelet of, and the annotation that hands a node to kwok.
KWOK_NODES=(kwok-node-0 kwok-node-1 kwok-node-2)
KWOK_NODE_ANNOTATION=kwok.x-k8s.io/node=fake

log() { printf '[env] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# pid_of NAME: prints the recorded pid of NAME if it is alive and still
# our process (comm matches); returns 1 otherwise.
pid_of() {
  local name="$1" f pid comm
  f="$PID_DIR/$name.pid"
  [[ -f "$f" ]] || return 1
  pid="$(<"$f")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/$pid/comm" ]] || return 1
  comm="$(<"/proc/$pid/comm")"
  # /proc/PID/comm is truncated to 15 chars ("kube-apiserver" fits).
  [[ "$comm" == "${name:0:15}" ]] || return 1
  printf '%s\n' "$pid"
}

# Whether the process recorded for NAME is still running, whatever it is called yet: right
# after start_bg the child may still be the forking shell or setsid/nohup on its way to exec,
# so pid_of's name check would call a slow start "exited". Zombies (exited, not yet reaped)
# count as gone.
pid_alive() {
  local f="$PID_DIR/$1.pid" pid state
  [[ -f "$f" ]] || return 1
  pid="$(<"$f")"
  [[ "$pid" =~ ^[0-9]+$ && -r "/proc/$pid/stat" ]] || return 1
  state="$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" || return 1
  [[ -n "$state" && "$state" != Z ]]
}

# Loads ETCD_CLIENT_PORT, ETCD_PEER_PORT, APISERVER_PORT, CONTROLLER_MANAGER_PORT and
# SCHEDULER_PORT from PORTS_FILE.
load_ports() {
  [[ -f "$PORTS_FILE" ]] || return 1
  # shellcheck source=/dev/null
  . "$PORTS_FILE"
}

# healthz PORT PATH: the loopback HTTPS health endpoint of kube-controller-manager or
# kube-scheduler answers "ok". Their serving certificates are self-signed (as kubeadm leaves
# them), so this liveness probe does not verify the certificate, like a kubelet's HTTPS probe.
healthz() {
  [[ "$(curl -skf --max-time 2 "https://127.0.0.1:$1$2" 2>/dev/null)" == ok ]]
}

# port_listening PORT: true if something listens on 127.0.0.1:PORT (or any addr).
port_listening() {
  local port="$1"
  [[ -n "$(ss -Hltn "sport = :$port" 2>/dev/null)" ]]
}
