package fakeruntime

import (
	"context"
	"time"

	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	"keel.dev/keel/pkg/kubelet/eviction"
)

// fakeFsInodes is the inode count of a fake node's filesystems.
const fakeFsInodes = 10_000_000

// Signals returns the eviction signals of a fake node with memoryBytes of
// memory and diskBytes of disk: memory available is what the synthetic
// working sets of its containers leave (so the keel.dev/fake-memory-usage
// annotation can put a hollow node under memory pressure), the filesystems
// lose only the fake's writable layers. The host's own memory and disk are
// never observed: a hollow node must not report DiskPressure because the
// machine running it is short of disk.
func (r *Runtime) Signals(memoryBytes, diskBytes int64) eviction.SignalSource {
	return &signals{rt: r, memory: memoryBytes, disk: diskBytes}
}

type signals struct {
	rt           *Runtime
	memory, disk int64
}

// Observe sums the containers' synthetic usage.
func (s *signals) Observe(ctx context.Context) (eviction.Observations, error) {
	resp, err := s.rt.client.ListContainerStats(ctx, &runtimeapi.ListContainerStatsRequest{})
	if err != nil {
		return nil, err
	}
	var ws, layers, inodes int64
	for _, st := range resp.GetStats() {
		ws += int64(st.GetMemory().GetWorkingSetBytes().GetValue())
		layers += int64(st.GetWritableLayer().GetUsedBytes().GetValue())
		inodes += int64(st.GetWritableLayer().GetInodesUsed().GetValue())
	}
	now := time.Now()
	fs := eviction.Observation{Available: max(s.disk-layers, 0), Capacity: s.disk, Time: now}
	ino := eviction.Observation{Available: max(fakeFsInodes-inodes, 0), Capacity: fakeFsInodes, Time: now}
	return eviction.Observations{
		eviction.SignalMemoryAvailable:   {Available: max(s.memory-ws, 0), Capacity: s.memory, Time: now},
		eviction.SignalNodeFsAvailable:   fs,
		eviction.SignalNodeFsInodesFree:  ino,
		eviction.SignalImageFsAvailable:  fs,
		eviction.SignalImageFsInodesFree: ino,
	}, nil
}
