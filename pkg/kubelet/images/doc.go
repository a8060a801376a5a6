// Package images is the kubelet's image garbage collector.
//
// The Manager keeps, in memory, when it first saw each image of the
// runtime and when it last saw a container referring to it. Every
// Config.Period (5 minutes, as in Kubernetes) it:
//
//	CRI ListImages + ListContainers ─▶ update first-seen / last-used records
//	  ─▶ remove unused images older than Policy.MaxAge since last use
//	  ─▶ image filesystem usage (CRI ImageFsInfo mountpoint, statfs)
//	  ─▶ at or above HighThresholdPercent: remove unused images, least
//	     recently used first, until usage is back at LowThresholdPercent
//
// An image is never removed while any container (running or not, in any
// sandbox) refers to it, while the runtime reports it pinned (containerd
// pins its sandbox image), when it matches Config.PinnedImages, or before
// it is Policy.MinAge old. Failures are reported as Node events with
// Kubernetes' reasons: FreeDiskSpaceFailed when too little was eligible,
// InvalidDiskCapacity, and ImageGCFailed when passes fail repeatedly.
//
// The eviction manager calls DeleteUnusedImages under disk pressure
// before it evicts pods.
package images
