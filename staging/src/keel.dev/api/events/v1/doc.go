// Package v1 holds the events.k8s.io/v1 API: Event, the structured report of
// something that happened to an object.
package v1
