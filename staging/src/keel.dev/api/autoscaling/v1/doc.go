// Package v1 holds the autoscaling/v1 API: Scale, the body of every scale
// subresource, and the CPU-only HorizontalPodAutoscaler of v1.
package v1
