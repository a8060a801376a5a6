// Package workqueue is the queue between informer handlers and controller
// workers: keys are deduplicated, a key is never processed by two workers
// at once (a key added while processing is re-queued on Done), delayed adds
// wait in a heap, and rate-limited re-adds back off per key and overall.
package workqueue
