// Package v2 holds the autoscaling/v2 API: HorizontalPodAutoscaler with
// multiple metrics and configurable scaling behavior.
package v2
