// Package podworker runs one worker per pod that drives the container
// runtime toward the pod's spec: sandbox, init containers in order
// (sidecars kept running), app containers, image pulls by policy, restart
// back-off, probes, hooks and graceful termination, and that publishes the
// resulting PodStatus.
package podworker
