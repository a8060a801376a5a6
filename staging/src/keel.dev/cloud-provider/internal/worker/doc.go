// Package worker runs the worker goroutines shared by the cloud controllers:
// each takes a key from a rate-limited queue, syncs it, and re-queues it with
// backoff when the sync fails.
package worker
