#!/usr/bin/env bash
# `make down`: stops the local cluster started by `make up` (detached or in
# the foreground of another shell), by the PIDs recorded in
# _output/local/pids only, removes its pods' containers, and stops
# containerd when `make up` started it. Cluster state (etcd, certificates)
# is kept for the next `make up`.
set -euo pipefail
cd "$(dirname "$0")/.."
source hack/lib/local.sh

[[ $(id -u) == 0 ]] || { echo "make down: must run as root, like make up" >&2; exit 1; }

# A foreground `make up` stops everything itself on SIGTERM.
if pid=$(local::alive local-up); then
  echo "make down: asking the foreground make up (pid $pid) to stop"
  kill -TERM "$pid"
  for i in $(seq 600); do
    local::alive local-up >/dev/null || break
    sleep 0.1
  done
  local::alive local-up >/dev/null && { echo "make down: make up (pid $pid) is still stopping after 60s" >&2; exit 1; }
  stopped_foreground=1
fi
rm -f "$LOCAL_PIDS/local-up.pid"

running=$(local::running | tr '\n' ' ')
if [[ -z $running ]]; then
  [[ -n ${stopped_foreground:-} ]] && { echo "make down: stopped (state kept in $LOCAL_DIR; make up resumes it)"; exit 0; }
  echo "make down: no running component recorded in $LOCAL_PIDS"
else
  echo "make down: stopping ${running% }"
fi
local::stop_cluster
left=$(local::running | tr '\n' ' ')
[[ -z $left ]] || { echo "make down: still running: $left" >&2; exit 1; }
echo "make down: stopped (state kept in $LOCAL_DIR; make up resumes it)"
