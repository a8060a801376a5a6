// Package generic is the storage of one REST resource over a
// storage.Interface: a Store implements every verb of package rest with
// Kubernetes' semantics (uid and creationTimestamp, generateName,
// resourceVersion preconditions, generation, finalizers and graceful
// deletion, dryRun, selectors), and a Strategy supplies what differs per kind
// (scope, preparation, validation, selectable fields).
//
// Subresources that share the object (status, finalize, ephemeralcontainers)
// are SubresourceStores: the same Store driven by another Strategy, serving
// only get and update.
package generic
