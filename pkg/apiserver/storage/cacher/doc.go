// Package cacher is the watch cache: a storage.Interface that keeps the
// current state of one resource in memory, fed by a single etcd watch, and
// serves watches and most lists from it while writes go to etcd.
//
//	etcd ──one watch──▶ reflector ──▶ store (by key, sorted; optional indexes)
//	                                 └▶ history (ring of recent events)
//	                                 └▶ dispatch ──▶ watcher queues ──▶ clients
//
// Glossary: the cache revision is the newest etcd revision the cache is known
// to reflect (its last event, or a progress notification); the history start
// is the revision after which every event is still buffered, so a watch may
// resume from any revision not older than it, and older ones get 410 Expired.
//
// Objects handed out by the cache (list items, watch events, Get results) are
// shared with the cache and with other callers: they must not be modified.
// Copy them (DeepCopyObject) first.
package cacher
