// Package eviction is the kubelet's eviction manager: node-pressure
// evictions and local ephemeral storage limit evictions.
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
// Independently of node pressure, each pass also enforces local ephemeral
// storage limits (LocalStorageCapacityIsolation): a pod whose disk emptyDir
// holds more than its sizeLimit, whose total usage (writable layers, logs
// and disk emptyDirs) exceeds the sum of its containers' ephemeral-storage
// limits, or one of whose containers' writable layer and logs exceed that
// container's limit, is evicted with Kubernetes' message and a 1 s grace
// period. Only pods that set such a limit are measured (LocalStorageSource);
// these evictions set no node condition.
//
// Pipeline of one pass (Manager.Synchronize):
//
//	SignalSource.Observe ─▶ thresholds met (+ unresolved min-reclaim)
//	  ─▶ node conditions (transition period)
//	  ─▶ pods with storage limits: LocalStorageSource ─▶ evict one over
//	     its limit, ending the pass
//	  ─▶ thresholds past grace
//	  ─▶ disk signal: ImageReclaimer.DeleteUnusedImages, observe again,
//	     stop if every threshold is resolved
//	  ─▶ rank active pods (PodStatsSource) ─▶ PodKiller.KillPod(one pod)
package eviction
