// Package v1 (imported as metav1) holds the metadata every Kubernetes object
// and list carries — TypeMeta, ObjectMeta, ListMeta — and the kinds of the
// meta.k8s.io group that the apiserver speaks for every resource: Status,
// WatchEvent, Table, PartialObjectMetadata, DeleteOptions and the discovery
// documents. JSON names and protobuf field numbers match Kubernetes exactly.
package v1
