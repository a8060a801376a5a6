// Package logrotate rotates the log files of running containers the way
// Kubernetes' kubelet does (--container-log-max-size,
// --container-log-max-files): every ten seconds, a log over the size limit
// is renamed to <log>.<YYYYMMDD-hhmmss>, the runtime is asked to reopen it
// (CRI ReopenContainerLog), rotated files but the newest are gzipped, and
// the oldest are deleted so that at most max-files files remain, the live
// one included. `kubectl logs` reads only the live file.
package logrotate
