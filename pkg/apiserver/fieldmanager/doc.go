// Package fieldmanager implements the bookkeeping behind server-side apply:
// it computes which fields an object sets (as Kubernetes' FieldsV1 sets:
// "f:<name>", "k:<merge key json>", "v:<value json>", "."), records per
// field manager which fields it owns in metadata.managedFields, merges an
// applied configuration into the live object, removes the fields a manager
// stopped applying, and reports conflicts with other managers (409, or
// ownership taken over with force=true).
//
// The schema comes from the Go types: lists with a patchMergeKey are
// associative (keyed by that member), lists with patchStrategy "merge" and
// no key are sets, every other list is atomic.
package fieldmanager
