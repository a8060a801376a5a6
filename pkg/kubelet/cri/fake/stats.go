package fake

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
)

// Usage is the synthetic resource usage of a running container.
type Usage struct {
	// NanoCores is the CPU rate in billionths of a core.
	NanoCores uint64
	// WorkingSetBytes is the memory working set.
	WorkingSetBytes uint64
}

// UsageFunc decides the usage of a running container (called under the
// server lock; it must not call back into the server).
type UsageFunc func(c *Container, sb *Sandbox) Usage

// DefaultUsage is what a container uses without a UsageFunc: 5m of CPU and
// 8 MiB of memory.
var DefaultUsage = Usage{NanoCores: 5_000_000, WorkingSetBytes: 8 << 20}

// Writable layer figures the fake reports for every container.
const (
	fakeLayerBytes  = 32 << 10
	fakeLayerInodes = 12
)

// SetUsage installs the function that gives running containers their usage.
func (s *Server) SetUsage(f UsageFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.usage = f
}

// cpuCounter integrates a container's CPU rate into a cumulative counter,
// so that a rate change never makes the counter go backwards.
type cpuCounter struct {
	at    time.Time
	total uint64
}

// containerStatsLocked computes the stats of c at now.
func (s *Server) containerStatsLocked(c *Container, now time.Time) *runtimeapi.ContainerStats {
	u := Usage{}
	if c.State == runtimeapi.ContainerState_CONTAINER_RUNNING {
		u = DefaultUsage
		if s.usage != nil {
			u = s.usage(c, s.sandboxes[c.SandboxID])
		}
	}
	cc, ok := s.cpu[c.ID]
	if !ok {
		start := time.Unix(0, c.StartedAt)
		if c.StartedAt == 0 || start.After(now) {
			start = now
		}
		cc = &cpuCounter{at: start}
		s.cpu[c.ID] = cc
	}
	if now.After(cc.at) {
		cc.total += uint64(float64(u.NanoCores) * now.Sub(cc.at).Seconds())
		cc.at = now
	}
	ts := now.UnixNano()
	return &runtimeapi.ContainerStats{
		Attributes: &runtimeapi.ContainerAttributes{Id: c.ID, Metadata: c.Config.Metadata, Labels: c.Config.Labels, Annotations: c.Config.Annotations},
		Cpu:        &runtimeapi.CpuUsage{Timestamp: ts, UsageCoreNanoSeconds: &runtimeapi.UInt64Value{Value: cc.total}},
		Memory: &runtimeapi.MemoryUsage{Timestamp: ts, WorkingSetBytes: &runtimeapi.UInt64Value{Value: u.WorkingSetBytes},
			UsageBytes: &runtimeapi.UInt64Value{Value: u.WorkingSetBytes + u.WorkingSetBytes/4},
			RssBytes:   &runtimeapi.UInt64Value{Value: u.WorkingSetBytes * 3 / 4}, PageFaults: &runtimeapi.UInt64Value{},
			MajorPageFaults: &runtimeapi.UInt64Value{}},
		WritableLayer: &runtimeapi.FilesystemUsage{Timestamp: ts, FsId: &runtimeapi.FilesystemIdentifier{Mountpoint: s.dir},
			UsedBytes: &runtimeapi.UInt64Value{Value: fakeLayerBytes}, InodesUsed: &runtimeapi.UInt64Value{Value: fakeLayerInodes}},
	}
}

// ContainerStats reports one container's usage.
func (s *Server) ContainerStats(ctx context.Context, req *runtimeapi.ContainerStatsRequest) (*runtimeapi.ContainerStatsResponse, error) {
	if err := s.enter("ContainerStats", ""); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.containers[req.ContainerId]
	if !ok {
		return nil, notFound("container", req.ContainerId)
	}
	return &runtimeapi.ContainerStatsResponse{Stats: s.containerStatsLocked(c, s.now())}, nil
}

// ListContainerStats reports the usage of the containers matching the filter.
func (s *Server) ListContainerStats(ctx context.Context, req *runtimeapi.ListContainerStatsRequest) (*runtimeapi.ListContainerStatsResponse, error) {
	if err := s.enter("ListContainerStats", ""); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	f := req.GetFilter()
	out := &runtimeapi.ListContainerStatsResponse{}
	for _, c := range s.containers {
		if f != nil && (f.Id != "" && f.Id != c.ID || f.PodSandboxId != "" && f.PodSandboxId != c.SandboxID ||
			!matchLabels(f.LabelSelector, c.Config.Labels)) {
			continue
		}
		out.Stats = append(out.Stats, s.containerStatsLocked(c, now))
	}
	return out, nil
}

// sandboxStatsLocked sums the stats of sb's containers.
func (s *Server) sandboxStatsLocked(sb *Sandbox, now time.Time) *runtimeapi.PodSandboxStats {
	ts := now.UnixNano()
	var cpu, ws, usage, rss, procs uint64
	lin := &runtimeapi.LinuxPodSandboxStats{}
	for _, c := range s.containers {
		if c.SandboxID != sb.ID {
			continue
		}
		cs := s.containerStatsLocked(c, now)
		lin.Containers = append(lin.Containers, cs)
		if c.State != runtimeapi.ContainerState_CONTAINER_RUNNING {
			continue
		}
		procs++
		cpu += cs.Cpu.UsageCoreNanoSeconds.Value
		ws += cs.Memory.WorkingSetBytes.Value
		usage += cs.Memory.UsageBytes.Value
		rss += cs.Memory.RssBytes.Value
	}
	lin.Cpu = &runtimeapi.CpuUsage{Timestamp: ts, UsageCoreNanoSeconds: &runtimeapi.UInt64Value{Value: cpu}}
	lin.Memory = &runtimeapi.MemoryUsage{Timestamp: ts, WorkingSetBytes: &runtimeapi.UInt64Value{Value: ws},
		UsageBytes: &runtimeapi.UInt64Value{Value: usage}, RssBytes: &runtimeapi.UInt64Value{Value: rss},
		PageFaults: &runtimeapi.UInt64Value{}, MajorPageFaults: &runtimeapi.UInt64Value{}}
	lin.Process = &runtimeapi.ProcessUsage{Timestamp: ts, ProcessCount: &runtimeapi.UInt64Value{Value: procs}}
	if sb.IP != "" {
		zero := func() *runtimeapi.UInt64Value { return &runtimeapi.UInt64Value{} }
		lin.Network = &runtimeapi.NetworkUsage{Timestamp: ts, DefaultInterface: &runtimeapi.NetworkInterfaceUsage{
			Name: "eth0", RxBytes: zero(), RxErrors: zero(), TxBytes: zero(), TxErrors: zero()}}
	}
	return &runtimeapi.PodSandboxStats{
		Attributes: &runtimeapi.PodSandboxAttributes{Id: sb.ID, Metadata: sb.Config.Metadata, Labels: sb.Config.Labels, Annotations: sb.Config.Annotations},
		Linux:      lin,
	}
}

// PodSandboxStats reports one sandbox's usage.
func (s *Server) PodSandboxStats(ctx context.Context, req *runtimeapi.PodSandboxStatsRequest) (*runtimeapi.PodSandboxStatsResponse, error) {
	if err := s.enter("PodSandboxStats", ""); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sb, ok := s.sandboxes[req.PodSandboxId]
	if !ok {
		return nil, notFound("sandbox", req.PodSandboxId)
	}
	return &runtimeapi.PodSandboxStatsResponse{Stats: s.sandboxStatsLocked(sb, s.now())}, nil
}

// ListPodSandboxStats reports the usage of the ready sandboxes matching the filter.
func (s *Server) ListPodSandboxStats(ctx context.Context, req *runtimeapi.ListPodSandboxStatsRequest) (*runtimeapi.ListPodSandboxStatsResponse, error) {
	if err := s.enter("ListPodSandboxStats", ""); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	f := req.GetFilter()
	out := &runtimeapi.ListPodSandboxStatsResponse{}
	for _, sb := range s.sandboxes {
		if sb.State != runtimeapi.PodSandboxState_SANDBOX_READY ||
			f != nil && (f.Id != "" && f.Id != sb.ID || !matchLabels(f.LabelSelector, sb.Config.Labels)) {
			continue
		}
		out.Stats = append(out.Stats, s.sandboxStatsLocked(sb, now))
	}
	return out, nil
}

// ReopenContainerLog reopens a running container's log file, creating it
// when the sandbox has a log directory, as a runtime does after the kubelet
// renamed the old file away.
func (s *Server) ReopenContainerLog(ctx context.Context, req *runtimeapi.ReopenContainerLogRequest) (*runtimeapi.ReopenContainerLogResponse, error) {
	if err := s.enter("ReopenContainerLog", s.containerName(req.ContainerId)); err != nil {
		return nil, err
	}
	s.mu.Lock()
	c, ok := s.containers[req.ContainerId]
	var path string
	if ok {
		if sb := s.sandboxes[c.SandboxID]; sb != nil && sb.Config.GetLogDirectory() != "" && c.Config.GetLogPath() != "" {
			path = filepath.Join(sb.Config.GetLogDirectory(), c.Config.GetLogPath())
		}
	}
	running := ok && c.State == runtimeapi.ContainerState_CONTAINER_RUNNING
	s.mu.Unlock()
	if !ok {
		return nil, notFound("container", req.ContainerId)
	}
	if !running {
		return nil, fmt.Errorf("container %q is not running", req.ContainerId)
	}
	if path != "" {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o640)
		if err != nil {
			return nil, fmt.Errorf("reopen log %s: %w", path, err)
		}
		f.Close()
	}
	return &runtimeapi.ReopenContainerLogResponse{}, nil
}
