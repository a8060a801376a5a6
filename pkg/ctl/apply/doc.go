// Package apply computes the patches of client-side apply: a three-way
// merge of the last applied configuration, the new manifest and the live
// object, expressed as a strategic merge patch for kinds with a Go type
// (lists merged by their patchMergeKey) or as a JSON merge patch otherwise.
package apply
