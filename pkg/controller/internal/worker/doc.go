// Package worker runs the standard controller loop: wait for the informers'
// caches, then drain a rate-limited work queue with N goroutines, calling
// sync per key — requeue with back-off on error, forget on success — until
// the context ends. A key whose only failure is a create refused because
// its namespace is terminating (NamespaceTerminating) is dropped without a
// retry or a log line.
//
// Around that loop a controller may ask for more: RunRequeue lets a
// successful sync ask for its key again after a duration (work still in
// progress), OnSynced runs a hook once the caches have synced and before
// any worker starts (state rebuilt from the caches), and Resync enqueues
// every key periodically (input that does not arrive as watch events).
package worker
