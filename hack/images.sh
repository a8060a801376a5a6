#!/usr/bin/env bash
# Builds the local OCI images (keel.local/pause:3, keel.local/busybox:1.35)
# into _output/images. busybox comes from Debian's busybox-static package,
# downloaded (not installed) with apt. make up / the e2e tests also tag
# the imported busybox as keel.local/busybox:1.36, a second tag to roll out.
#
# Known limits of Debian's busybox-static 1.35, which the tests work around:
# - `wget -T SECONDS` segfaults: Debian builds it without
#   FEATURE_WGET_TIMEOUT and the option then writes through a NULL pointer.
#   Bound wget with `timeout N wget ...` instead.
# - The local cluster runs no cluster DNS: reach a Service by its ClusterIP
#   (names in the pod's /etc/hosts resolve).
set -euo pipefail
cd "$(dirname "$0")/.."
out=_output/images
work=_output/images/work
mkdir -p "$work"
CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o "$work/pause" ./hack/images/pause
if [ ! -x "$work/busybox" ]; then
  ( cd "$work"
    if ! ls busybox-static_*.deb >/dev/null 2>&1; then
      apt-get download busybox-static >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get download busybox-static; }
    fi
    rm -rf deb && dpkg-deb -x busybox-static_*.deb deb && cp deb/bin/busybox busybox )
fi
go run ./hack/tools/mkimage -out "$out" -pause "$work/pause" -busybox "$work/busybox"
