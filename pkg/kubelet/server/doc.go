// Package server is the kubelet's HTTPS API on port 10250: /healthz,
// /pods, /containerLogs (read from the CRI log files), /metrics, and
// /exec, /attach and /portForward proxied to the runtime's streaming server.
// Clients authenticate with certificates signed by the client CA.
package server
