#!/usr/bin/env bash
# `make up`: a one-node local Keel cluster. Installs what the machine lacks
# (Debian packages), configures and starts containerd when needed, builds
# the binaries and images, and starts apiserver (embedded etcd),
# controller-manager, scheduler, cloud-controller-manager (local provider),
# kubelet and proxy as separate processes with their own certificates.
# State lives in _output/local; a second run resumes it.
#
# Foreground by default: Ctrl-C (or SIGTERM) stops everything in reverse
# order and removes the pods' containers. DETACH=1 returns once the node is
# Ready and the kubernetes Service exists; `make down` stops it then.
#
# Environment:
#   LOCAL_DIR   data directory (default _output/local): etcd, certificates,
#               kubeconfigs, logs, PID files. The admin kubeconfig is
#               $LOCAL_DIR/kubeconfig.
#   DETACH=1    return once the node is Ready (see above).
#   AUTHORIZATION_MODE
#               the apiserver's --authorization-mode (default Node,RBAC, as
#               kubeadm and kind set it; AlwaysAllow turns RBAC off).
#   APISERVER_FLAGS, CONTROLLER_MANAGER_FLAGS, SCHEDULER_FLAGS,
#   CLOUD_CONTROLLER_MANAGER_FLAGS, KUBELET_FLAGS, PROXY_FLAGS
#               extra flags appended to that component's command line,
#               split on whitespace (no quoting), e.g. the e2e tests'
#               CONTROLLER_MANAGER_FLAGS="--node-monitor-grace-period=25s
#               --node-monitor-period=2s". A later flag overrides an
#               earlier one of the same name (list flags append instead).
# A component killed by hand restarts with the same command line through
#   LOCAL_DIR=... bash -c 'source hack/lib/local.sh && local::restart kubelet'
set -euo pipefail
cd "$(dirname "$0")/.."
source hack/lib/local.sh
source hack/lib/containerd.sh

DETACH=${DETACH:-}
AUTHORIZATION_MODE=${AUTHORIZATION_MODE:-Node,RBAC}
[[ $DETACH == 0 ]] && DETACH=
# extra NAME: the words of the component's *_FLAGS variable.
extra() {
  local v
  v=$(tr 'a-z-' 'A-Z_' <<<"$1")_FLAGS
  read -r -a EXTRA <<<"${!v:-}"
}
SERVICE_CIDR=10.96.0.0/12
CLUSTER_CIDR=10.244.0.0/16
SECURE_PORT=6443
T0=$(date +%s.%N)

elapsed() { awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
fail() {
  echo "make up: $*" >&2
  exit 1
}

# ---- prerequisites -------------------------------------------------------
[[ $(id -u) == 0 ]] || fail "must run as root (it installs packages, runs containerd and programs iptables); try: sudo make up"
if pid=$(local::alive local-up); then
  fail "another make up (pid $pid) is running on $LOCAL_DIR"
fi
if [[ -n $(local::running) ]]; then
  fail "a cluster from $LOCAL_DIR is already running ($(local::running | paste -sd " ")); use it, or stop it with: make down"
fi
if ! command -v go >/dev/null; then
  # sudo's secure_path drops Go's directory.
  [[ -x /usr/local/go/bin/go ]] || fail "go is not on PATH (Go 1.26 is needed to build Keel)"
  PATH=$PATH:/usr/local/go/bin
fi
port_taken() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; }
command -v ss >/dev/null || fail "ss (iproute2) is missing and is needed to check ports; apt-get install iproute2"
port_taken "$SECURE_PORT" && fail "port $SECURE_PORT is already in use ($(ss -Hltnp "sport = :$SECURE_PORT" | grep -o 'users:(("[^"]*",pid=[0-9]*' | head -1 | sed 's/users:(("//; s/",/ /')); free it first"
for p in 10250 10248 10257 10258 10259 10249 10256; do
  port_taken "$p" && fail "port $p (needed by a Keel component) is already in use: $(ss -Hltnp "sport = :$p" | head -1 | awk '{print $NF}')"
done

# ---- packages ------------------------------------------------------------
missing=()
need() { command -v "$1" >/dev/null 2>&1 || [[ -e $1 ]] || missing+=("$2"); }
need containerd containerd
need runc runc
need crun crun
need ctr containerd
need "$CNI_BIN_DIR/bridge" containernetworking-plugins
need iptables iptables
need conntrack conntrack
need nft nftables
need ip iproute2
need curl curl
if ((${#missing[@]})); then
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  command -v apt-get >/dev/null || fail "missing ${missing[*]} and there is no apt-get to install them"
  local::say "installing ${missing[*]} with apt-get"
  apt-get update -q >/dev/null || fail "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null ||
    fail "apt-get install ${missing[*]} failed"
fi

mkdir -p "$LOCAL_LOGS" "$LOCAL_PIDS" "$LOCAL_BIN" "$LOCAL_PKI" "$LOCAL_KUBECONFIGS" "$LOCAL_POD_LOGS"

# ---- stop everything we started on any exit but a detached success ----------
STARTED_OK=
BG=
# The script's own stdout and stderr: a signal can arrive inside a step
# whose output is redirected, and the stop messages must still be seen.
exec 3>&1 4>&2
on_exit() {
  local rc=$?
  trap - EXIT INT TERM
  [[ -n $BG ]] && kill -TERM "$BG" 2>/dev/null
  if [[ -z $STARTED_OK ]]; then
    {
      echo
      echo "make up: stopping the local cluster"
      local::stop_cluster
      echo "make up: stopped; logs are in $LOCAL_LOGS"
    } >&3 2>&4
  fi
  rm -f "$LOCAL_PIDS/local-up.pid"
  exit "$rc"
}
trap on_exit EXIT
# Ctrl-C or SIGTERM (make down) on a running foreground cluster is the
# normal way to end it: stop everything and exit 0.
RUNNING=
trap '[[ -n $RUNNING ]] && exit 0; exit 130' INT
trap '[[ -n $RUNNING ]] && exit 0; exit 143' TERM
# make down finds this script by its PID file, also while it is starting.
echo "$$ $(readlink -f /proc/$$/exe)" >"$LOCAL_PIDS/local-up.pid"
# bg CMD... runs a long step in the background so SIGINT/SIGTERM are
# handled at once rather than after the step ends.
bg() {
  "$@" &
  BG=$!
  local rc=0
  wait "$BG" || rc=$?
  BG=
  return "$rc"
}

# ---- build ---------------------------------------------------------------
local::say "building binaries and images"
bg make --no-print-directory build >/dev/null || fail "make build failed (see above)"
bg make --no-print-directory images >/dev/null || fail "make images failed (see above)"
bg go build -o "$LOCAL_BIN/" ./hack/tools/kubeconfig-gen ./hack/tools/localcri || fail "building the helpers in hack/tools failed"
components=()
absent=()
for c in "${LOCAL_COMPONENTS[@]}"; do
  if [[ -x $BIN_DIR/$c && -d cmd/$c ]]; then components+=("$c"); else absent+=("$c"); fi
done
have() { [[ " ${components[*]} " == *" $1 "* ]]; }
have apiserver || fail "cmd/apiserver is missing: nothing to start"
if ((${#absent[@]})); then
  local::say "NOT BUILT: ${absent[*]} (no cmd/<name> in this tree); starting only: ${components[*]}"
fi

# ---- containerd and images -------------------------------------------------
containerd::ensure || exit 1
for img in pause busybox; do
  ctr --address "$CONTAINERD_SOCK" -n k8s.io images import "_output/images/$img.tar" >/dev/null ||
    fail "importing _output/images/$img.tar into containerd failed"
done
# A second tag of the same busybox, so an image change can be rolled out.
ctr --address "$CONTAINERD_SOCK" -n k8s.io images tag --force keel.local/busybox:1.35 keel.local/busybox:1.36 >/dev/null ||
  fail "tagging keel.local/busybox:1.36 in containerd failed"
local::say "containerd on $CONTAINERD_SOCK has $SANDBOX_IMAGE and keel.local/busybox:1.35 (also tagged 1.36) ($(elapsed)s)"

# ---- apiserver -------------------------------------------------------------
# The host's primary IPv4 address, found without sending any traffic.
HOST_IP=$(hostname -I 2>/dev/null | tr ' ' '\n' | grep -m1 -E '^[0-9]+(\.[0-9]+){3}$' || true)
[[ -n $HOST_IP ]] || HOST_IP=127.0.0.1
NODE_NAME=$(hostname | tr '[:upper:]' '[:lower:]')
ADMIN_KUBECONFIG=$LOCAL_DIR/kubeconfig
extra apiserver
local::start apiserver "$LOCAL_LOGS/apiserver.log" "$BIN_DIR/apiserver" \
  --secure-port "$SECURE_PORT" \
  --advertise-address "$HOST_IP" \
  --service-cluster-ip-range "$SERVICE_CIDR" \
  --data-dir "$LOCAL_DIR/etcd" \
  --cert-dir "$LOCAL_PKI" \
  --authorization-mode "$AUTHORIZATION_MODE" \
  --enable-admission-plugins NodeRestriction \
  --write-kubeconfig "$ADMIN_KUBECONFIG" "${EXTRA[@]}"
ready=
for i in $(seq 600); do
  if curl -sk --max-time 2 "https://127.0.0.1:$SECURE_PORT/readyz" 2>/dev/null | grep -qx ok; then
    ready=1
    break
  fi
  local::alive apiserver >/dev/null || break
  sleep 0.1
done
[[ -n $ready ]] || fail "the apiserver did not become ready (last lines of $LOCAL_LOGS/apiserver.log:
$(tail -n 5 "$LOCAL_LOGS/apiserver.log"))"
local::say "apiserver ready on https://$HOST_IP:$SECURE_PORT ($(elapsed)s)"

# ---- component credentials --------------------------------------------------
"$LOCAL_BIN/kubeconfig-gen" -ca-dir "$LOCAL_PKI" -server "https://127.0.0.1:$SECURE_PORT" -dir "$LOCAL_KUBECONFIGS" \
  controller-manager=system:kube-controller-manager \
  scheduler=system:kube-scheduler \
  cloud-controller-manager=cloud-controller-manager \
  kubelet="system:node:$NODE_NAME/system:nodes" \
  proxy=system:kube-proxy >/dev/null
kc() { echo "$LOCAL_KUBECONFIGS/$1.kubeconfig"; }

# ---- the other components ----------------------------------------------------
if have controller-manager; then
  extra controller-manager
  # PersistentVolumeClaims of the default StorageClass "standard" get
  # hostPath volumes under $LOCAL_DIR/volumes (keel.dev/local-path).
  mkdir -p "$LOCAL_DIR/volumes"
  local::start controller-manager "$LOCAL_LOGS/controller-manager.log" "$BIN_DIR/controller-manager" \
    --kubeconfig "$(kc controller-manager)" --leader-elect=false \
    --cluster-cidr "$CLUSTER_CIDR" --allocate-node-cidrs=true --cloud-provider external \
    --create-default-storage-class --local-volume-root "$LOCAL_DIR/volumes" "${EXTRA[@]}"
fi
if have scheduler; then
  extra scheduler
  local::start scheduler "$LOCAL_LOGS/scheduler.log" "$BIN_DIR/scheduler" \
    --kubeconfig "$(kc scheduler)" --leader-elect=false "${EXTRA[@]}"
fi
if have cloud-controller-manager; then
  cat >"$LOCAL_DIR/cloud.yaml" <<EOF
loadBalancerRange: 127.0.100.0/24
stateFile: $LOCAL_DIR/cloud-state.json
zone: local
region: local
EOF
  extra cloud-controller-manager
  local::start cloud-controller-manager "$LOCAL_LOGS/cloud-controller-manager.log" "$BIN_DIR/cloud-controller-manager" \
    --kubeconfig "$(kc cloud-controller-manager)" --leader-elect=false \
    --cloud-provider local --cloud-config "$LOCAL_DIR/cloud.yaml" --cluster-cidr "$CLUSTER_CIDR" "${EXTRA[@]}"
fi
if have kubelet; then
  mkdir -p "$CNI_CONF_DIR" "$LOCAL_DIR/kubelet"
  # No usage-based image garbage collection: the local images come from
  # tarballs, and there is no registry to pull them back from. No disk-based
  # eviction either: a development machine's disk is shared with everything
  # else on it, and a laptop 86% full must not evict the cluster's pods
  # (KUBELET_FLAGS="--eviction-hard=..." brings the thresholds back).
  kubelet_taint=()
  have cloud-controller-manager && kubelet_taint=(--cloud-provider external)
  extra kubelet
  local::start kubelet "$LOCAL_LOGS/kubelet.log" "$BIN_DIR/kubelet" \
    --kubeconfig "$(kc kubelet)" --hostname-override "$NODE_NAME" --node-ip "$HOST_IP" \
    --container-runtime-endpoint "unix://$CONTAINERD_SOCK" --pod-infra-image "$SANDBOX_IMAGE" \
    --cni-bin-dir "$CNI_BIN_DIR" --cni-conf-dir "$CNI_CONF_DIR" \
    --root-dir "$LOCAL_DIR/kubelet" --pod-logs-dir "$LOCAL_POD_LOGS" \
    --client-ca-file "$LOCAL_PKI/ca.crt" --image-gc-high-threshold 100 \
    --eviction-hard 'memory.available<100Mi' "${kubelet_taint[@]}" "${EXTRA[@]}"
fi
if have proxy; then
  extra proxy
  local::start proxy "$LOCAL_LOGS/proxy.log" "$BIN_DIR/proxy" \
    --kubeconfig "$(kc proxy)" --hostname-override "$NODE_NAME" \
    --proxy-mode iptables --cluster-cidr "$CLUSTER_CIDR" "${EXTRA[@]}"
fi
sleep 1
for c in "${components[@]}"; do
  local::alive "$c" >/dev/null || fail "$c exited right after starting (last lines of $LOCAL_LOGS/$c.log:
$(tail -n 5 "$LOCAL_LOGS/$c.log"))"
done

# ---- report ------------------------------------------------------------------
export KUBECONFIG=$ADMIN_KUBECONFIG
CLI=$BIN_DIR/ctl
command -v kubectl >/dev/null && CLI=kubectl
print_summary() {
  echo
  echo "Keel local cluster (data: $LOCAL_DIR)"
  local c
  for c in "${components[@]}" containerd; do
    local pid
    pid=$(local::alive "$c") && printf '  %-26s pid %s\n' "$c" "$pid"
  done
  if ! local::alive containerd >/dev/null; then
    echo "  containerd                 (already running, not started by make up) on $CONTAINERD_SOCK"
  fi
  ((${#absent[@]})) && echo "  NOT RUNNING (not built):   ${absent[*]}"
  cat <<EOF

  export KUBECONFIG=$ADMIN_KUBECONFIG
  kubectl get nodes,pods -A
  _output/bin/ctl get nodes
  kubectl run bb --image=keel.local/busybox:1.35 --image-pull-policy=Never -- sleep 3600

  Logs: $LOCAL_LOGS/<component>.log (pods: $LOCAL_POD_LOGS)
EOF
}

# node_ready: the kubelet started by this run has posted Ready (a resumed
# cluster's node still shows the Ready of the previous run for a while).
START_STAMP=$(date -u +%Y-%m-%dT%H:%M:%SZ -d "@${T0%.*}")
node_ready() {
  local out
  out=$("$CLI" get node "$NODE_NAME" -o jsonpath='{range .status.conditions[?(@.type=="Ready")]}{.status} {.lastHeartbeatTime}{end}' 2>/dev/null) || return 1
  [[ ${out%% *} == True && ! ${out#* } < $START_STAMP ]]
}

if [[ -n $DETACH ]]; then
  if ! have kubelet; then
    STARTED_OK=1
    print_summary
    echo
    fail "the cluster runs WITHOUT ${absent[*]}: no node can become Ready; stop it with make down"
  fi
  for i in $(seq 240); do
    node_ready && break
    for c in "${components[@]}"; do
      local::alive "$c" >/dev/null || fail "$c exited while waiting for the node (see $LOCAL_LOGS/$c.log)"
    done
    sleep 0.5
  done
  node_ready || fail "node $NODE_NAME did not become Ready within 120s (see $LOCAL_LOGS/kubelet.log)"
  "$CLI" get svc kubernetes -n default >/dev/null 2>&1 || fail "the kubernetes Service does not exist"
  STARTED_OK=1
  print_summary
  echo
  if ((${#absent[@]})); then
    echo "make up: node $NODE_NAME Ready after $(elapsed)s, but ${absent[*]} NOT running (not built); make down stops it"
    exit 3
  fi
  echo "make up: node $NODE_NAME Ready after $(elapsed)s; stop the cluster with: make down"
  exit 0
fi

# Foreground: report readiness once, then wait for Ctrl-C.
RUNNING=1
print_summary
echo
echo "Running in the foreground: Ctrl-C stops everything (make down from another shell does too)."
reported_ready=
declare -A reported_dead=()
while :; do
  if [[ -z $reported_ready ]] && have kubelet && node_ready; then
    echo "make up: node $NODE_NAME Ready after $(elapsed)s"
    reported_ready=1
  fi
  for c in "${components[@]}"; do
    if [[ -z ${reported_dead[$c]:-} ]] && ! local::alive "$c" >/dev/null; then
      echo "make up: $c exited; see $LOCAL_LOGS/$c.log"
      reported_dead[$c]=1
    fi
  done
  sleep 1 &
  wait $! || true
done
