// Package v1 holds the discovery.k8s.io/v1 API: EndpointSlice, the scalable
// list of a service's network endpoints.
package v1
