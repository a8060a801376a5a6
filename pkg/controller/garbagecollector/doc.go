// Package garbagecollector deletes objects whose owners are gone and
// carries out foreground and orphan deletion of owners.
//
//	typed informers (one monitor per kind) ──► graph (uid → node, owner uid → dependents)
//	     │                                        │
//	     └─ events ─► attemptToDelete queue ──────┤ dependent: owners solid / dangling / waiting
//	               └► attemptToOrphan queue ──────┘ owner with "orphan": strip refs, drop finalizer
//
// Glossary: an owner reference is dangling when no object with that UID
// exists (checked live before acting); waiting when the owner is being
// deleted in the foreground; solid otherwise. A dependent with only
// dangling references is deleted (background, or as its own finalizers
// ask); one with a solid owner just loses the other references. An owner
// with the foregroundDeletion finalizer has its dependents deleted and
// keeps the finalizer until no dependent with blockOwnerDeletion remains.
package garbagecollector
