// Package status turns what the container runtime reports about a pod's
// sandbox and containers into the Kubernetes PodStatus the kubelet publishes.
package status
