// Package model turns core/v1 Services and discovery/v1 EndpointSlices into
// the per-service-port view the proxy programs: one ServicePort per
// (service, port) and its merged endpoints, plus the set of services that
// changed since the previous sync so that syncs can be partial.
package model
