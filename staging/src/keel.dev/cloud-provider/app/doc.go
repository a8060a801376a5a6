// Package app is Keel's cloud-controller-manager as a library: NewCommand
// returns the cobra command (flags, leader election, /healthz and /metrics,
// the cloud node, node lifecycle, service and route loops) and Run executes
// a Config. It lives in the staging module so that an out-of-tree provider
// builds its own binary by registering its provider and calling NewCommand,
// without depending on Keel's root module.
//
// /healthz and /metrics are served over plain HTTP on --bind-address and
// --secure-port (default 127.0.0.1:10258); the metrics are a small text
// exposition of this module's own (sync and provider-error counters, the
// leader gauge) rather than the Prometheus client library, to keep the
// dependencies of every provider that imports this module small.
package app
