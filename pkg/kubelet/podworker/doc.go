// Package podworker runs one worker per pod that drives the container
// runtime toward the pod's spec: sandbox, init containers in order
// (sidecars kept running), app containers, image pulls by policy, restart
// back-off, probes, hooks and graceful termination, and that publishes the
// resulting PodStatus.
//
// A few pods at a time create their sandbox and first containers (see
// Config.MaxParallelStarts), and a worker asks the runtime for sandbox and
// container statuses only when its lists show them changed, so a node
// starting many pods at once spends its CPU on starting them.
package podworker
