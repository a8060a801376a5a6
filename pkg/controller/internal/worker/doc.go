// Package worker runs the standard controller loop: wait for the informers'
// caches, then drain a rate-limited work queue with N goroutines, calling
// sync per key — requeue with back-off on error, forget on success — until
// the context ends.
package worker
