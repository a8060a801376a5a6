// Package discovery serves what clients read before they talk to resources:
// the discovery documents (/api, /api/v1, /apis, /apis/<group>,
// /apis/<group>/<version>, legacy and aggregated apidiscovery.k8s.io/v2
// forms), /version, and the OpenAPI v2 and v3 documents.
//
// Everything is built once at start from the scheme's resources and the
// group versions --runtime-config enables, and served from memory.
//
// Group order: the core group (on /api), then the named groups in
// GroupPriority order, then any others alphabetically. Versions within a
// group are ordered as Kubernetes orders them (GA, then beta, then alpha,
// higher numbers first); the first is the preferred version.
package discovery
