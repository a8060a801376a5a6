// Package endpoints maintains the legacy core/v1 Endpoints object of every
// Service with a selector: the addresses of its ready pods, the
// notReadyAddresses of the others, grouped into subsets by the ports each
// pod resolves. Services without a selector, and the apiserver's own
// default/kubernetes Service, are left alone.
package endpoints
