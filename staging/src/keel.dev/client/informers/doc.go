// Package informers keeps local, indexed, read-only caches of API objects in
// sync with the apiserver and tells typed event handlers what changed.
//
//	ListWatcher ──► Reflector ──► Informer ──► Store (indexed) ──► Lister
//	(list pages,      (relist on   (diff, per-handler
//	 watch)            410, backoff) queues, resync)  ──► Handler[T]
//
// The reflector lists in pages of 500 with a consistent read, then watches
// from the list's resourceVersion with bookmarks; on 410 Gone it relists
// from the latest state and never accepts a list older than what it has
// already seen. Deletions missed while disconnected are delivered to
// handlers as OnDelete of the last known object: handlers never see a
// tombstone type. Objects in the store are shared: never mutate them. A
// transform (WithTransform, or Transform through a Factory) can trim each
// object, e.g. drop managedFields, before it is stored or delivered.
package informers
