// Package endpoints serves the apiserver's resource requests: it turns
// GET/POST/PUT/PATCH/DELETE on /api/v1/... and /apis/G/V/... into calls on
// the rest storages of each resource and subresource (rest.Getter, Lister,
// Watcher, Creater, Updater, GracefulDeleter, CollectionDeleter), decoding
// request bodies (JSON, YAML, protobuf), applying patches (JSON patch, merge
// patch, strategic merge patch and server-side apply), keeping managedFields,
// and writing answers negotiated from Accept: objects, Tables for kubectl,
// PartialObjectMetadata, watch streams and Status errors shaped as
// Kubernetes shapes them.
//
// New builds the handler from a Config; a verb the storage does not
// implement answers 405, an unknown resource 404. The kubelet-backed
// subresources (log, exec, attach, portforward, proxy) go to the optional
// Connector.
package endpoints
