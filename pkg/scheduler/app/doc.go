// Package app is the scheduler binary: flags, client, informers, leader
// election, the /healthz and /metrics endpoint, and the adapters that give
// the scheduler core (keel.dev/keel/pkg/scheduler) its API writes.
//
//	NewCommand ─▶ Options.Config ─▶ Run(ctx, cfg)
//	Run: clientset ─▶ informers (pods, nodes, namespaces, PDBs, PriorityClasses)
//	     ─▶ scheduler.On* handlers; leader election ─▶ Scheduler.Run
//	     binder: POST pods/binding; evictor: DisruptionTarget + DELETE;
//	     status: strategic-merge PATCH of pods/status; events: record.Recorder
package app
