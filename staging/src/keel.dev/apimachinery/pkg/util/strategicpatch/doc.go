// Package strategicpatch applies strategic merge patches
// (application/strategic-merge-patch+json): JSON merge patches that know, from
// the Go type's `patchStrategy` and `patchMergeKey` struct tags, which lists
// merge element by element (containers by name, ports by containerPort) and
// which are replaced, and that understand the directives kubectl sends:
// `$patch` (replace, delete, merge), `$setElementOrder/<list>`,
// `$deleteFromPrimitiveList/<list>` and `$retainKeys`.
package strategicpatch
