package eviction

import (
	"context"
	"fmt"
	"path/filepath"

	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/types"
	"keel.dev/keel/pkg/kubelet/cri"
)

// CRIPodStats measures pods through the CRI's ListContainerStats (memory
// working set, writable layer) and walks of their log directories and
// local volumes.
type CRIPodStats struct {
	Runtime cri.Service
	// RootDir holds pods/<uid>/volumes.
	RootDir string
	// LogDir returns a pod's log directory ("" skips logs).
	LogDir func(pod *corev1.Pod) string
}

var _ PodStatsSource = (*CRIPodStats)(nil)

// PodStats returns the usage of pods; pods without any container stats are
// left out.
func (s *CRIPodStats) PodStats(ctx context.Context, pods []*corev1.Pod, withDisk bool) (map[types.UID]PodUsage, error) {
	resp, err := s.Runtime.ListContainerStats(ctx, &runtimeapi.ListContainerStatsRequest{})
	if err != nil {
		return nil, fmt.Errorf("list container stats: %w", err)
	}
	want := map[types.UID]*corev1.Pod{}
	for _, p := range pods {
		want[p.UID] = p
	}
	out := map[types.UID]PodUsage{}
	for _, cs := range resp.GetStats() {
		labels := cs.GetAttributes().GetLabels()
		uid := types.UID(labels[cri.LabelPodUID])
		name := labels[cri.LabelContainerName]
		if want[uid] == nil || name == "" {
			continue
		}
		u, ok := out[uid]
		if !ok {
			u = PodUsage{Containers: map[string]ContainerUsage{}}
		}
		c := u.Containers[name]
		// several instances of a container (restarts) add up; only the
		// running one has a working set.
		c.WorkingSet += int64(cs.GetMemory().GetWorkingSetBytes().GetValue())
		c.RootFS.add(DiskUsage{
			Bytes:  int64(cs.GetWritableLayer().GetUsedBytes().GetValue()),
			Inodes: int64(cs.GetWritableLayer().GetInodesUsed().GetValue()),
		})
		u.Containers[name] = c
		out[uid] = u
	}
	if !withDisk {
		return out, nil
	}
	for uid, pod := range want {
		u, ok := out[uid]
		if !ok {
			u = PodUsage{Containers: map[string]ContainerUsage{}}
		}
		if s.LogDir != nil {
			if dir := s.LogDir(pod); dir != "" {
				for _, c := range pod.Spec.Containers {
					cu := u.Containers[c.Name]
					cu.Logs = dirUsage(filepath.Join(dir, c.Name))
					u.Containers[c.Name] = cu
				}
			}
		}
		if s.RootDir != "" {
			u.Volumes = dirUsage(filepath.Join(s.RootDir, "pods", string(uid), "volumes", "kubernetes.io~empty-dir"))
		}
		out[uid] = u
	}
	return out, nil
}

var _ LocalStorageSource = (*CRIPodStats)(nil)

// LocalStorage measures pods for their local storage limits: the logs of
// every container and each disk-backed emptyDir by walking their
// directories, and each container's writable layer from the
// writable_layer.used_bytes of the CRI's ListContainerStats, taking the
// latest instance (highest attempt) of each container. A runtime that
// reports no writable layer leaves that part out, so container and pod
// totals then hold logs and volumes only. When the runtime cannot be
// asked, the walked usage is still returned, with the error.
func (s *CRIPodStats) LocalStorage(ctx context.Context, pods []*corev1.Pod) (map[types.UID]StorageUsage, error) {
	type instance struct {
		attempt uint32
		bytes   int64
	}
	layers := map[types.UID]map[string]instance{}
	want := map[types.UID]bool{}
	for _, p := range pods {
		want[p.UID] = true
	}
	var resp *runtimeapi.ListContainerStatsResponse
	var err error
	if s.Runtime != nil {
		if resp, err = s.Runtime.ListContainerStats(ctx, &runtimeapi.ListContainerStatsRequest{}); err != nil {
			err = fmt.Errorf("list container stats: %w", err)
		}
	}
	for _, cs := range resp.GetStats() {
		labels := cs.GetAttributes().GetLabels()
		uid := types.UID(labels[cri.LabelPodUID])
		name := labels[cri.LabelContainerName]
		if !want[uid] || name == "" {
			continue
		}
		attempt := cs.GetAttributes().GetMetadata().GetAttempt()
		if layers[uid] == nil {
			layers[uid] = map[string]instance{}
		}
		if prev, ok := layers[uid][name]; ok && prev.attempt > attempt {
			continue
		}
		layers[uid][name] = instance{attempt: attempt, bytes: int64(cs.GetWritableLayer().GetUsedBytes().GetValue())}
	}
	out := make(map[types.UID]StorageUsage, len(pods))
	for _, pod := range pods {
		u := StorageUsage{Containers: map[string]ContainerStorage{}, EmptyDirs: map[string]int64{}}
		logDir := ""
		if s.LogDir != nil {
			logDir = s.LogDir(pod)
		}
		containers := append(append([]corev1.Container(nil), pod.Spec.InitContainers...), pod.Spec.Containers...)
		for _, c := range containers {
			cu := ContainerStorage{RootFS: layers[pod.UID][c.Name].bytes}
			if logDir != "" {
				cu.Logs = dirUsage(filepath.Join(logDir, c.Name)).Bytes
			}
			u.Containers[c.Name] = cu
		}
		if s.RootDir != "" {
			base := filepath.Join(s.RootDir, "pods", string(pod.UID), "volumes", "kubernetes.io~empty-dir")
			for i := range pod.Spec.Volumes {
				if v := &pod.Spec.Volumes[i]; diskEmptyDir(v) {
					u.EmptyDirs[v.Name] = dirUsage(filepath.Join(base, v.Name)).Bytes
				}
			}
		}
		out[pod.UID] = u
	}
	return out, err
}
