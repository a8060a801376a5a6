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
# - `wget https://...`: busybox's built-in TLS client sends no
#   signature_algorithms extension, and Go TLS servers since Go 1.25 (our
#   apiserver and kubelet, like Kubernetes' own) reject such TLS 1.2 clients
#   (RFC 9155): "TLS error from peer (alert code 40): handshake failure"; the
#   server logs "tls: missing signature_algorithms from TLS 1.2 peer". On a
#   host, the same busybox works because its wget runs the host's
#   `openssl s_client` first and falls back to the built-in client only when
#   there is none. So the image ships /bin/openssl, a small Go helper
#   (hack/images/openssl) doing what wget asks of `openssl s_client`. It
#   verifies against the system roots (none in the image): pass
#   --no-check-certificate, or SSL_CERT_FILE=/var/run/secrets/kubernetes.io/serviceaccount/ca.crt
#   for the apiserver. `ssl_client` run by hand still fails the same way.
set -euo pipefail
cd "$(dirname "$0")/.."
out=_output/images
work=_output/images/work
mkdir -p "$work"
CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o "$work/pause" ./hack/images/pause
CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o "$work/openssl" ./hack/images/openssl
if [ ! -x "$work/busybox" ]; then
  ( cd "$work"
    if ! ls busybox-static_*.deb >/dev/null 2>&1; then
      apt-get download busybox-static >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get download busybox-static; }
    fi
    rm -rf deb && dpkg-deb -x busybox-static_*.deb deb && cp deb/bin/busybox busybox )
fi
go run ./hack/tools/mkimage -out "$out" -pause "$work/pause" -busybox "$work/busybox" -openssl "$work/openssl"
