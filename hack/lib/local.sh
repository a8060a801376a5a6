# Shared by hack/local-up.sh and hack/local-down.sh: the local cluster's
# paths and how its processes are started and stopped. Every process is
# tracked by a PID file in $LOCAL_PIDS and only those PIDs are ever
# signalled, after checking /proc/PID/exe still names the binary we started.

LOCAL_DIR=${LOCAL_DIR:-$PWD/_output/local}
LOCAL_LOGS=$LOCAL_DIR/logs
LOCAL_PIDS=$LOCAL_DIR/pids
LOCAL_BIN=$LOCAL_DIR/bin
LOCAL_PKI=$LOCAL_DIR/pki
LOCAL_KUBECONFIGS=$LOCAL_DIR/kubeconfigs
LOCAL_POD_LOGS=$LOCAL_DIR/pod-logs
BIN_DIR=$PWD/_output/bin
# The file recording which CRI socket the cluster uses.
LOCAL_ENDPOINT_FILE=$LOCAL_DIR/containerd.endpoint
SYSTEM_CONTAINERD_SOCK=/run/containerd/containerd.sock
PRIVATE_CONTAINERD_DIR=$LOCAL_DIR/containerd
PRIVATE_CONTAINERD_SOCK=$PRIVATE_CONTAINERD_DIR/containerd.sock

# The components in start order; they are stopped in reverse.
LOCAL_COMPONENTS=(apiserver controller-manager scheduler cloud-controller-manager kubelet proxy)

local::say() { echo "make up: $*"; }

# local::alive NAME prints the PID of NAME when its PID file names a live
# process whose executable is still the one recorded at start.
local::alive() {
  local f=$LOCAL_PIDS/$1.pid pid exe want
  [[ -f $f ]] || return 1
  read -r pid want <"$f" || true
  [[ -n $pid && -d /proc/$pid ]] || return 1
  exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
  exe=${exe% (deleted)}
  [[ -z $want || $exe == "$want" ]] || return 1
  # A zombie (exited, not yet reaped) counts as gone.
  [[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) != Z ]] || return 1
  echo "$pid"
}

# local::start NAME LOGFILE CMD... runs CMD in its own session (so a Ctrl-C
# on the terminal reaches only local-up.sh, which stops things in order),
# records "PID EXE" in the PID file, and appends output to LOGFILE. It
# holds no other descriptor of ours, so a pipe from `make up | tee` closes.
local::start() {
  local name=$1 log=$2
  shift 2
  local exe
  exe=$(readlink -f "$(command -v "$1")")
  mkdir -p "$LOCAL_PIDS" "$(dirname "$log")"
  # The command line, NUL-separated, for local::restart.
  printf '%s\0' "$log" "$@" >"$LOCAL_PIDS/$name.cmd"
  echo "==== $(date -u +%FT%TZ) $*" >>"$log"
  setsid bash -c 'echo "$$ $0" >"$1"; shift 2; exec "$@"' "$exe" "$LOCAL_PIDS/$name.pid" _ "$@" \
    </dev/null >>"$log" 2>&1 3>&- 4>&- &
  local i
  for i in $(seq 50); do
    [[ -s $LOCAL_PIDS/$name.pid ]] && break
    sleep 0.1
  done
}

# local::restart NAME starts NAME again with the command line and log file
# of its last local::start (recorded in $LOCAL_PIDS/NAME.cmd), e.g. after
# it was killed; it fails when NAME is still running or was never started.
local::restart() {
  local name=$1 pid
  local -a cmd
  if pid=$(local::alive "$name"); then
    echo "$name is still running (pid $pid)" >&2
    return 1
  fi
  [[ -f $LOCAL_PIDS/$name.cmd ]] || {
    echo "$name was never started from $LOCAL_DIR (no $LOCAL_PIDS/$name.cmd)" >&2
    return 1
  }
  mapfile -d '' -t cmd <"$LOCAL_PIDS/$name.cmd"
  rm -f "$LOCAL_PIDS/$name.pid"
  local::start "$name" "${cmd[@]}"
  local i
  # The PID file is written just before the exec.
  for i in $(seq 50); do
    local::alive "$name" >/dev/null && break
    sleep 0.1
  done
  pid=$(local::alive "$name") || {
    echo "$name did not start (see ${cmd[0]})" >&2
    return 1
  }
  echo "restarted $name (pid $pid)"
}

# local::stop NAME [TIMEOUT] sends SIGTERM to NAME's recorded PID, waits up
# to TIMEOUT seconds (default 15), then SIGKILLs it; removes the PID file.
local::stop() {
  local name=$1 timeout=${2:-15} pid i
  if pid=$(local::alive "$name"); then
    echo "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < timeout * 10; i++)); do
      local::alive "$name" >/dev/null || break
      sleep 0.1
    done
    if local::alive "$name" >/dev/null; then
      echo "$name (pid $pid) did not stop in ${timeout}s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.2
    fi
  fi
  rm -f "$LOCAL_PIDS/$name.pid"
}

# local::running lists the components whose recorded PIDs are alive.
local::running() {
  local n
  for n in "${LOCAL_COMPONENTS[@]}" containerd; do
    local::alive "$n" >/dev/null && echo "$n"
  done
  return 0
}

# local::answers SOCK succeeds when a containerd answers on SOCK.
local::answers() {
  [[ -S $1 ]] && timeout 5 ctr --address "$1" version >/dev/null 2>&1
}

# local::unmount_volumes unmounts what the kubelet mounted for the pods
# (tmpfs of secret, projected and Memory emptyDir volumes) under its root
# directory, deepest first, once the pods are gone.
local::unmount_volumes() {
  local root=$LOCAL_DIR/kubelet/ m
  [[ -d $root ]] || return 0
  awk -v r="$root" 'index($2, r) == 1 { print $2 }' /proc/mounts | sort -r | while read -r m; do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || echo "could not unmount $m"
  done
}

# local::remove_masquerade removes the kubelet's node-wide masquerade rule
# for pod traffic (chain KUBELET-POD-MASQ and its POSTROUTING jump).
local::remove_masquerade() {
  command -v iptables >/dev/null || return 0
  iptables -w -t nat -S KUBELET-POD-MASQ >/dev/null 2>&1 || return 0
  while iptables -w -t nat -D POSTROUTING -m comment --comment "keel pod masquerade" -j KUBELET-POD-MASQ 2>/dev/null; do :; done
  iptables -w -t nat -F KUBELET-POD-MASQ 2>/dev/null
  iptables -w -t nat -X KUBELET-POD-MASQ 2>/dev/null || echo "could not remove the nat chain KUBELET-POD-MASQ"
}

# local::stop_cluster stops every recorded component in reverse start
# order, removes the pods' sandboxes and containers through CRI, then stops
# containerd when local-up.sh started it.
local::stop_cluster() {
  local i endpoint="" proxy_ran=
  local::alive proxy >/dev/null && proxy_ran=1
  for ((i = ${#LOCAL_COMPONENTS[@]} - 1; i >= 0; i--)); do
    local::stop "${LOCAL_COMPONENTS[i]}"
  done
  if [[ -n $proxy_ran && -x $BIN_DIR/proxy ]]; then
    # The proxy leaves its Service rules behind when it stops.
    "$BIN_DIR/proxy" --cleanup >>"$LOCAL_LOGS/proxy.log" 2>&1 ||
      echo "proxy --cleanup failed (see $LOCAL_LOGS/proxy.log)"
  fi
  [[ -f $LOCAL_ENDPOINT_FILE ]] && endpoint=$(<"$LOCAL_ENDPOINT_FILE")
  if [[ -n $endpoint ]] && local::answers "$endpoint"; then
    if [[ -x $LOCAL_BIN/localcri ]]; then
      "$LOCAL_BIN/localcri" cleanup -endpoint "$endpoint" -log-dir "$LOCAL_POD_LOGS" ||
        echo "removing the pods' containers failed (see above)"
    else
      echo "cannot remove the pods' containers: $LOCAL_BIN/localcri is missing"
    fi
  fi
  local::unmount_volumes
  local::remove_masquerade
  local::stop containerd 20
  if [[ -n $endpoint && $endpoint == "$PRIVATE_CONTAINERD_SOCK" ]]; then
    # The private containerd's mounts (snapshots, shm) go with it.
    rm -f "$LOCAL_ENDPOINT_FILE"
  fi
}
