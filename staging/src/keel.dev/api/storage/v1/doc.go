// Package v1 holds the storage.k8s.io/v1 API: storage classes, volume
// attachments and the CSI driver and node registration kinds.
package v1
