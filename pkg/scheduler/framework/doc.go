// Package framework defines the scheduler's plugin framework: one small
// interface per extension point, the Status result type, the per-cycle
// CycleState scratchpad, NodeInfo and the read-only Snapshot plugins read,
// cluster events for requeueing, and the plugin Registry.
//
// Plugins are pure: they read the snapshot handed to them and never do IO,
// except the binder and preemption plugins, which act through the injected
// Binder and Evictor interfaces.
package framework
