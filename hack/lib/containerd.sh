# containerd for the local cluster (sourced by hack/local-up.sh after
# hack/lib/local.sh). See the project's notes on containerd: the CRI plugin
# needs restrict_oom_score_adj on these machines, a sandbox image already
# imported (no registry), and the CNI plugins in /usr/lib/cni.
#
# The OCI runtime under containerd's runc shim is crun when it is installed
# (OCI_RUNTIME=auto, the default), else runc; OCI_RUNTIME=runc or crun or a
# path chooses. crun is a C implementation of the same OCI interface: it
# creates a container with about half the CPU of runc 1.1 (no Go runtime to
# start, no copy of its own binary per container), which is most of what a
# node spends starting a batch of pods on a small machine.

SANDBOX_IMAGE=keel.local/pause:3
CNI_BIN_DIR=/usr/lib/cni
SYSTEM_CNI_CONF_DIR=/etc/cni/net.d
CONTAINERD_CONFIG=/etc/containerd/config.toml

# containerd::pick_runtime resolves OCI_RUNTIME to the runtime binary the
# shim runs ("" for its default, runc) and says which one is used.
containerd::pick_runtime() {
  local want=${OCI_RUNTIME:-auto}
  OCI_RUNTIME=
  case $want in
  runc | "$(command -v runc 2>/dev/null)") return 0 ;;
  auto)
    command -v crun >/dev/null 2>&1 || return 0
    want=$(command -v crun)
    ;;
  crun)
    want=$(command -v crun) || {
      local::say "OCI_RUNTIME=crun but crun is not installed (apt-get install crun)"
      return 1
    }
    ;;
  esac
  [[ -x $want ]] || {
    local::say "OCI_RUNTIME=$want is not an executable"
    return 1
  }
  if [[ $(basename "$want") == crun* ]] && ! containerd::crun_cgroups; then
    local::say "using runc: crun cannot run with this machine's cgroup layout (see above)"
    return 0
  fi
  OCI_RUNTIME=$want
  local::say "OCI runtime: $OCI_RUNTIME (OCI_RUNTIME=runc to use runc)"
}

# containerd::crun_cgroups succeeds when crun can manage this machine's
# cgroups. On a hybrid layout (cgroup v1 controllers under /sys/fs/cgroup
# and a cgroup2 mount at /sys/fs/cgroup/unified) crun refuses to run while
# the cgroup2 mount still holds controllers. systemd mounts every
# controller as v1 on such hosts; where nothing did (some containers and
# VMs leave hugetlb behind), each controller left on cgroup2 and enabled
# for no group there gets its own v1 hierarchy, the way systemd does it.
containerd::crun_cgroups() {
  local unified=/sys/fs/cgroup/unified c left
  [[ $(stat -f -c %T /sys/fs/cgroup 2>/dev/null) == cgroup2fs ]] && return 0
  [[ $(stat -f -c %T "$unified" 2>/dev/null) == cgroup2fs ]] || return 0
  for c in $(<"$unified/cgroup.controllers"); do
    if [[ -n $(<"$unified/cgroup.subtree_control") ]]; then
      local::say "cgroup2 at $unified has controllers enabled ($(<"$unified/cgroup.subtree_control")); crun cannot run here"
      return 1
    fi
    mkdir -p "/sys/fs/cgroup/$c" && mount -t cgroup -o "$c" cgroup "/sys/fs/cgroup/$c" || {
      local::say "could not mount the $c cgroup controller at /sys/fs/cgroup/$c for crun"
      return 1
    }
    local::say "mounted the $c cgroup controller at /sys/fs/cgroup/$c (v1, as systemd does on hybrid hosts; crun needs it off cgroup2)"
  done
  left=$(<"$unified/cgroup.controllers")
  [[ -z $left ]] || {
    local::say "cgroup2 at $unified still holds controllers: $left"
    return 1
  }
}

# containerd::config ROOT STATE ADDRESS CNI_CONF_DIR prints a config; the
# first three are empty for the system containerd (its defaults). The runc
# shim runs OCI_RUNTIME when it is set (see containerd::pick_runtime).
containerd::config() {
  echo "version = 2"
  if [[ -n $1 ]]; then
    printf 'root = "%s"\nstate = "%s"\n[grpc]\n  address = "%s"\n[ttrpc]\n  address = "%s.ttrpc"\n' "$1" "$2" "$3" "$3"
  fi
  cat <<EOF
[plugins]
  [plugins."io.containerd.grpc.v1.cri"]
    sandbox_image = "$SANDBOX_IMAGE"
    restrict_oom_score_adj = true
    [plugins."io.containerd.grpc.v1.cri".containerd]
      default_runtime_name = "runc"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
        runtime_type = "io.containerd.runc.v2"
        [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
          SystemdCgroup = false
EOF
  if [[ -n ${OCI_RUNTIME:-} ]]; then
    printf '          BinaryName = "%s"\n' "$OCI_RUNTIME"
  fi
  cat <<EOF
    [plugins."io.containerd.grpc.v1.cri".cni]
      bin_dir = "$CNI_BIN_DIR"
      conf_dir = "$4"
EOF
}

# containerd::write_system_config writes /etc/containerd/config.toml when it
# is missing or differs, keeping the old one as config.toml.keel-backup-*.
containerd::write_system_config() {
  local want
  want=$(containerd::config "" "" "" "$SYSTEM_CNI_CONF_DIR")
  if [[ -f $CONTAINERD_CONFIG ]] && [[ $(<"$CONTAINERD_CONFIG") == "$want" ]]; then
    return 0
  fi
  mkdir -p "$(dirname "$CONTAINERD_CONFIG")"
  if [[ -f $CONTAINERD_CONFIG ]]; then
    local backup
    backup=$CONTAINERD_CONFIG.keel-backup-$(date -u +%Y%m%dT%H%M%SZ)
    cp -p "$CONTAINERD_CONFIG" "$backup"
    local::say "replacing $CONTAINERD_CONFIG with Keel's CRI settings (old one kept as $backup)"
  else
    local::say "writing $CONTAINERD_CONFIG with Keel's CRI settings"
  fi
  printf '%s\n' "$want" >"$CONTAINERD_CONFIG"
}

# containerd::wait SOCK waits up to 30 s for a containerd to answer on SOCK.
containerd::wait() {
  local i
  for i in $(seq 150); do
    local::answers "$1" && return 0
    local::alive containerd >/dev/null || return 1
    sleep 0.2
  done
  return 1
}

# containerd::start_system starts containerd with the system config.
containerd::start_system() {
  local::say "starting containerd (logs: $LOCAL_LOGS/containerd.log)"
  local::start containerd "$LOCAL_LOGS/containerd.log" containerd --config "$CONTAINERD_CONFIG"
  containerd::wait "$SYSTEM_CONTAINERD_SOCK" || {
    local::say "containerd did not answer on $SYSTEM_CONTAINERD_SOCK within 30s (see $LOCAL_LOGS/containerd.log)"
    return 1
  }
}

# containerd::start_private starts a containerd of our own, with its root,
# state, socket and CNI config under $PRIVATE_CONTAINERD_DIR, for machines
# where someone else's containerd already owns the system socket.
containerd::start_private() {
  local d=$PRIVATE_CONTAINERD_DIR
  mkdir -p "$d/root" "$d/state" "$d/net.d"
  containerd::config "$d/root" "$d/state" "$PRIVATE_CONTAINERD_SOCK" "$d/net.d" >"$d/config.toml"
  if local::answers "$PRIVATE_CONTAINERD_SOCK"; then
    local::say "a containerd not recorded by make up answers on $PRIVATE_CONTAINERD_SOCK; stop it first"
    return 1
  fi
  local::say "starting a private containerd on $PRIVATE_CONTAINERD_SOCK (logs: $LOCAL_LOGS/containerd.log)"
  local::start containerd "$LOCAL_LOGS/containerd.log" containerd --config "$d/config.toml"
  containerd::wait "$PRIVATE_CONTAINERD_SOCK" || {
    local::say "the private containerd did not answer within 30s (see $LOCAL_LOGS/containerd.log)"
    return 1
  }
}

# containerd::check asks the CRI plugin on $CONTAINERD_SOCK whether its
# config fits (exit 0; 3 when it does not). A containerd that has just
# started may answer before its CRI plugin is initialised: other failures
# are retried for up to 30 s.
containerd::check() {
  local out rc i
  for ((i = 0; i < 60; i++)); do
    rc=0
    out=$("$LOCAL_BIN/localcri" check -endpoint "$CONTAINERD_SOCK" -sandbox-image "$SANDBOX_IMAGE") || rc=$?
    if [[ $rc == 0 || $rc == 3 ]]; then
      echo "$out"
      return "$rc"
    fi
    sleep 0.5
  done
  echo "$out"
  return "$rc"
}

# containerd::ensure leaves CONTAINERD_SOCK and CNI_CONF_DIR set to a
# containerd whose CRI config fits, starting or restarting one when needed.
# A containerd someone else started is never restarted: when its config
# does not fit, a private containerd is used instead (and the reason said).
containerd::ensure() {
  local reason rc
  containerd::pick_runtime || return 1
  containerd::write_system_config
  CONTAINERD_SOCK=$SYSTEM_CONTAINERD_SOCK
  CNI_CONF_DIR=$SYSTEM_CNI_CONF_DIR
  # Left over from an earlier run that was not stopped: our own containerd.
  if local::alive containerd >/dev/null && [[ -f $LOCAL_ENDPOINT_FILE ]]; then
    CONTAINERD_SOCK=$(<"$LOCAL_ENDPOINT_FILE")
    [[ $CONTAINERD_SOCK == "$PRIVATE_CONTAINERD_SOCK" ]] && CNI_CONF_DIR=$PRIVATE_CONTAINERD_DIR/net.d
  fi
  if ! local::answers "$CONTAINERD_SOCK"; then
    local::stop containerd
    if [[ $CONTAINERD_SOCK == "$PRIVATE_CONTAINERD_SOCK" ]]; then
      containerd::start_private || return 1
    else
      containerd::start_system || return 1
    fi
  fi
  rc=0
  reason=$(containerd::check) || rc=$?
  case $rc in
  0) ;;
  3)
    if local::alive containerd >/dev/null; then
      local::say "restarting our containerd: $reason"
      local::stop containerd 20
      if [[ $CONTAINERD_SOCK == "$PRIVATE_CONTAINERD_SOCK" ]]; then containerd::start_private || return 1; else containerd::start_system || return 1; fi
    else
      local::say "the running containerd on $CONTAINERD_SOCK was not started by make up and does not fit ($reason); leaving it alone and using a private containerd"
      CONTAINERD_SOCK=$PRIVATE_CONTAINERD_SOCK
      CNI_CONF_DIR=$PRIVATE_CONTAINERD_DIR/net.d
      containerd::start_private || return 1
    fi
    reason=$(containerd::check) || {
      local::say "containerd on $CONTAINERD_SOCK still does not fit: $reason"
      return 1
    }
    ;;
  *)
    local::say "cannot query containerd's CRI on $CONTAINERD_SOCK (is its CRI plugin disabled?)"
    return 1
    ;;
  esac
  echo "$CONTAINERD_SOCK" >"$LOCAL_ENDPOINT_FILE"
}
