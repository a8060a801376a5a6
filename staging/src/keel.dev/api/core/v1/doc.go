// Package v1 holds the kinds of the core API group ("" group, version v1):
// pods and their templates, nodes, services, config maps, secrets, volumes,
// events, quotas and limit ranges, with the defaults and validation the API
// server applies to them.
//
// The JSON and protobuf field names, enum values, defaults and validation
// messages follow Kubernetes' core/v1 so that kubectl and client-go can talk
// to Keel unchanged. Users import it as corev1.
package v1
