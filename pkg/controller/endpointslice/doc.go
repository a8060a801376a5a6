// Package endpointslice keeps discovery.k8s.io/v1 EndpointSlices in step
// with the pods selected by each Service: one endpoint per pod with an IPv4
// address, ready/serving/terminating conditions from the pod's readiness and
// deletion, ports resolved per pod, at most 100 endpoints per slice, and
// updates that move as few endpoints as possible.
package endpointslice
