// Package eviction is the kubelet's node-pressure eviction manager.
//
// Every monitoring interval it observes the eviction signals
// (memory.available, nodefs/imagefs available bytes and free inodes,
// pid.available) from a SignalSource, compares them with the hard and soft
// thresholds of the kubelet's flags, reports the MemoryPressure,
// DiskPressure and PIDPressure node conditions (held for the pressure
// transition period after the last observation), and, while a threshold
// stays met past its grace period, fails one pod per interval with reason
// Evicted. Pods are ranked the way Kubernetes ranks them: pods whose usage
// of the starved resource exceeds their requests first, then lower
// priority, then larger usage above requests. Under pressure it also
// rejects new pods at admission (BestEffort ones under memory pressure,
// all of them under disk or PID pressure), except critical pods.
//
// Pipeline of one pass (Manager.Synchronize):
//
//	SignalSource.Observe ─▶ thresholds met (+ unresolved min-reclaim)
//	  ─▶ node conditions (transition period) ─▶ thresholds past grace
//	  ─▶ disk signal: ImageReclaimer.DeleteUnusedImages, observe again,
//	     stop if every threshold is resolved
//	  ─▶ rank active pods (PodStatsSource) ─▶ PodKiller.KillPod(one pod)
package eviction
