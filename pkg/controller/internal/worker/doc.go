// Package worker runs the standard controller loop: wait for the informers'
// caches, then drain a rate-limited work queue with N goroutines, calling
// sync per key — requeue with back-off on error, forget on success — until
// the context ends. A key whose only failure is a create refused because
// its namespace is terminating (NamespaceTerminating) is dropped without a
// retry or a log line.
package worker
