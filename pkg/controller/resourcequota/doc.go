// Package resourcequota keeps ResourceQuota status current: status.hard
// mirrors spec.hard and status.used counts what the namespace consumes.
// Admission enforcement belongs to the apiserver.
package resourcequota
