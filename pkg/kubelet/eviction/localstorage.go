package eviction

import (
	"context"
	"fmt"
	"time"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/api/resource"
	"keel.dev/apimachinery/pkg/types"
)

// Wire texts of evictions for exceeding a local ephemeral storage limit.
const (
	emptyDirMessageFmt  = "Usage of EmptyDir volume %q exceeds the limit %q. "
	containerStorageFmt = "Container %s exceeded its local ephemeral storage limit %q. "
	podStorageFmt       = "Pod ephemeral local storage usage exceeds the total limit of containers %s. "
)

// ContainerStorage is one container's use of local ephemeral storage, in
// bytes.
type ContainerStorage struct {
	// RootFS is the writable layer of the container's latest instance; it
	// is zero when the runtime does not report it.
	RootFS int64
	// Logs is the container's log directory, rotated files included.
	Logs int64
}

// StorageUsage is a pod's use of local ephemeral storage.
type StorageUsage struct {
	// Containers maps the names of the pod's containers (init ones
	// included) to their usage.
	Containers map[string]ContainerStorage
	// EmptyDirs maps the names of the pod's disk-backed emptyDir volumes
	// to the bytes they hold.
	EmptyDirs map[string]int64
}

// total is everything the pod keeps on local ephemeral storage.
func (u StorageUsage) total() int64 {
	var n int64
	for _, c := range u.Containers {
		n += c.RootFS + c.Logs
	}
	for _, b := range u.EmptyDirs {
		n += b
	}
	return n
}

// LocalStorageSource measures the local ephemeral storage of the given
// pods. It may return the usage it could measure together with an error;
// a pod missing from the result is not checked.
type LocalStorageSource interface {
	LocalStorage(ctx context.Context, pods []*corev1.Pod) (map[types.UID]StorageUsage, error)
}

// diskEmptyDir reports whether v is an emptyDir on the node's disk (the
// default medium); memory and huge-page ones are not ephemeral storage.
func diskEmptyDir(v *corev1.Volume) bool {
	return v.EmptyDir != nil && v.EmptyDir.Medium == corev1.StorageMediumDefault
}

// hasStorageLimit reports whether pod sets anything the limit checks
// enforce: a disk emptyDir sizeLimit or a container's ephemeral-storage
// limit. Only such pods are measured.
func hasStorageLimit(pod *corev1.Pod) bool {
	for i := range pod.Spec.Volumes {
		v := &pod.Spec.Volumes[i]
		if diskEmptyDir(v) && v.EmptyDir.SizeLimit != nil && v.EmptyDir.SizeLimit.Sign() > 0 {
			return true
		}
	}
	_, ok := podStorageLimit(pod)
	return ok
}

// podStorageLimit is the pod's ephemeral-storage limit as Kubernetes
// derives it from its containers: the sum over regular containers and
// sidecars that declare one, or the largest init container (plus the
// sidecars started before it) when larger, plus the pod overhead when the
// result is not zero. ok is false when no container declares a limit.
func podStorageLimit(pod *corev1.Pod) (limit resource.Quantity, ok bool) {
	const name = corev1.ResourceEphemeralStorage
	var sum, sidecars, initMax resource.Quantity
	var found, initFound bool
	for i := range pod.Spec.Containers {
		if q, has := pod.Spec.Containers[i].Resources.Limits[name]; has {
			sum.Add(q)
			found = true
		}
	}
	for i := range pod.Spec.InitContainers {
		c := &pod.Spec.InitContainers[i]
		q, has := c.Resources.Limits[name]
		if !has {
			continue
		}
		if corev1.IsRestartableInitContainer(c) {
			// sidecars run along the regular containers and the init
			// containers that follow them.
			sum.Add(q)
			sidecars.Add(q)
			found = true
			continue
		}
		v := q.DeepCopy()
		v.Add(sidecars)
		if !initFound || v.Cmp(initMax) > 0 {
			initMax, initFound = v, true
		}
	}
	if initFound && (!found || initMax.Cmp(sum) > 0) {
		sum, found = initMax, true
	}
	if !found {
		return resource.Quantity{}, false
	}
	if o, has := pod.Spec.Overhead[name]; has && !sum.IsZero() {
		sum.Add(o)
	}
	return sum, true
}

// storageViolation returns the eviction message of the first local
// storage limit pod exceeds, in Kubernetes' order: emptyDir size limits,
// then the pod's total, then each container's limit; "" when none is.
// countRootFS says whether writable layers count against container limits
// (not when they live on a dedicated image filesystem).
func storageViolation(pod *corev1.Pod, u StorageUsage, countRootFS bool) string {
	for i := range pod.Spec.Volumes {
		v := &pod.Spec.Volumes[i]
		if !diskEmptyDir(v) || v.EmptyDir.SizeLimit == nil || v.EmptyDir.SizeLimit.Sign() <= 0 {
			continue
		}
		used, ok := u.EmptyDirs[v.Name]
		if ok && resource.NewQuantity(used, resource.BinarySI).Cmp(*v.EmptyDir.SizeLimit) > 0 {
			return fmt.Sprintf(emptyDirMessageFmt, v.Name, v.EmptyDir.SizeLimit.String())
		}
	}
	if limit, ok := podStorageLimit(pod); ok {
		if resource.NewQuantity(u.total(), resource.BinarySI).Cmp(limit) > 0 {
			return fmt.Sprintf(podStorageFmt, limit.String())
		}
	}
	for i := range pod.Spec.Containers {
		c := &pod.Spec.Containers[i]
		limit, has := c.Resources.Limits[corev1.ResourceEphemeralStorage]
		if !has || limit.IsZero() {
			continue
		}
		cu, ok := u.Containers[c.Name]
		if !ok {
			continue
		}
		used := cu.Logs
		if countRootFS {
			used += cu.RootFS
		}
		if resource.NewQuantity(used, resource.BinarySI).Cmp(limit) > 0 {
			return fmt.Sprintf(containerStorageFmt, c.Name, limit.String())
		}
	}
	return ""
}

// enforceStorageLimits measures the active pods that set a local storage
// limit and evicts the first one exceeding any, whatever the node's
// pressure: such evictions set no node condition. It returns the evicted
// pod, or nil.
func (m *Manager) enforceStorageLimits(ctx context.Context) *corev1.Pod {
	if m.cfg.LocalStorage == nil || m.cfg.ActivePods == nil {
		return nil
	}
	var limited []*corev1.Pod
	for _, p := range m.cfg.ActivePods() {
		if hasStorageLimit(p) {
			limited = append(limited, p)
		}
	}
	if len(limited) == 0 {
		return nil
	}
	usage, err := m.cfg.LocalStorage.LocalStorage(ctx, limited)
	if err != nil {
		m.cfg.Logger.Warn("eviction manager: measuring local ephemeral storage", "err", err)
	}
	countRootFS := true
	if d, ok := m.cfg.Signals.(dedicatedImageFs); ok && d.DedicatedImageFs() {
		countRootFS = false
	}
	for _, pod := range limited {
		u, ok := usage[pod.UID]
		if !ok {
			continue
		}
		msg := storageViolation(pod, u, countRootFS)
		if msg == "" {
			continue
		}
		if IsCritical(pod) {
			m.cfg.Logger.Warn("eviction manager: cannot evict a critical pod", "pod", pod.Namespace+"/"+pod.Name, "message", msg)
			continue
		}
		m.cfg.Recorder.PodEvent(pod, corev1.EventTypeWarning, Reason, msg)
		m.cfg.Logger.Info("eviction manager: evicting pod over its local storage limit", "pod", pod.Namespace+"/"+pod.Name, "message", msg)
		grace := int64(hardEvictionGraceSeconds)
		kctx, cancel := context.WithTimeout(ctx, m.cfg.CleanupTimeout+time.Duration(grace)*time.Second)
		// Kubernetes adds no DisruptionTarget condition to these evictions.
		err := m.cfg.Killer.KillPod(kctx, pod, grace, Reason, msg, corev1.PodCondition{})
		cancel()
		if err != nil {
			m.cfg.Logger.Warn("eviction manager: pod did not stop in time", "pod", pod.Namespace+"/"+pod.Name, "err", err)
		}
		return pod
	}
	return nil
}
