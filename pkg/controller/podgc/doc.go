// Package podgc deletes pods nobody else will clean up: terminated pods
// (Succeeded or Failed) above the --terminated-pod-gc-threshold, oldest
// first; pods bound to nodes that no longer exist, after a 40 s quarantine;
// and unscheduled pods that are terminating. It runs as a periodic sweep.
package podgc
