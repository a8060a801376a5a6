// Package scheduler assigns pending pods to nodes. Scheduler.Run pops pods
// from the scheduling queue, runs one cycle against a fresh snapshot of the
// cache, assumes the pod on the chosen node and binds it asynchronously; a
// failed cycle runs PostFilter (preemption), reports PodScheduled=False with
// kube-scheduler's message and a FailedScheduling event, and requeues the pod.
//
// Dependencies are plain interfaces (Binder, Evictor, PDBLister,
// PodStatusUpdater, EventRecorder) and the On* event handlers take typed
// objects, so wiring informers and a clientset is thin.
//
//	informers ─▶ On*Add/Update/Delete ─▶ cache + queue
//	Run: queue.Pop ─▶ cache.UpdateSnapshot ─▶ schedule.Schedule ─▶ Reserve ─▶ Permit ─▶ assume
//	       └─ go: WaitOnPermit ─▶ PreBind ─▶ Bind (Binder) ─▶ FinishBinding ─▶ PostBind
package scheduler
