// Package v1 holds the policy/v1 API: PodDisruptionBudget and Eviction, the
// body of a pod's eviction subresource.
package v1
