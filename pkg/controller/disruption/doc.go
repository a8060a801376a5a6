// Package disruption maintains the status of PodDisruptionBudgets: how many
// pods are expected, healthy and desired, and how many disruptions the
// eviction subresource may currently allow.
package disruption
