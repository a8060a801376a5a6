// Package proxy holds the mode-independent part of keel's service proxy: a
// Proxier that tracks Services and EndpointSlices, decides between full and
// partial syncs, runs a rate-limited sync loop and, after every successful
// sync, flushes stale conntrack entries and feeds health checks and metrics.
// The packet-path programming itself lives in the iptables and nftables
// subpackages, which plug into the Proxier as a Backend.
package proxy
