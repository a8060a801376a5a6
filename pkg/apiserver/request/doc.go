// Package request turns an HTTP request into what the apiserver acts on: the
// RequestInfo (verb, group/version, namespace, resource, subresource, name)
// parsed from the URL, and the media types negotiated from Accept and
// Content-Type, including Kubernetes' "as=Table" and aggregated discovery
// parameters.
package request
