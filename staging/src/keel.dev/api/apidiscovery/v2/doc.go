// Package v2 holds the apidiscovery.k8s.io/v2 API: the aggregated discovery
// documents that the apiserver answers on /api and /apis when a client asks
// for them, listing every group, version and resource in one response.
package v2
