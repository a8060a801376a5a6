package stats

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/types"
	"keel.dev/keel/pkg/kubelet/cri"
	"keel.dev/keel/pkg/kubelet/podworker"
)

// Defaults of Config.
const (
	DefaultInterval = 10 * time.Second
	// minWindow is the shortest sample window a CPU rate is computed over
	// when an older sample exists.
	minWindow = time.Second
)

// Config configures a Provider.
type Config struct {
	Runtime  cri.Service
	NodeName string
	// RootDir is the kubelet's root directory: its filesystem is nodefs and
	// pod volumes live under <RootDir>/pods/<uid>/volumes.
	RootDir string
	// PodLogsDir holds the pods' log directories (/var/log/pods).
	PodLogsDir string
	// ProcRoot is where procfs is mounted ("/proc").
	ProcRoot string
	// Interval is how often Run samples CPU counters (10 s).
	Interval time.Duration
	// Now is the clock (time.Now).
	Now    func() time.Time
	Logger *slog.Logger
}

// Provider computes Summaries. It is safe for concurrent use.
type Provider struct {
	cfg Config

	mu      sync.Mutex
	samples []reading      // the newest cached counter readings, oldest first
	pids    map[string]int // sandbox ID -> infra PID (0: host network or unknown)

	// noSandboxStats is set once the runtime answered Unimplemented to
	// ListPodSandboxStats; pod figures are then sums of container figures.
	noSandboxStats atomic.Bool
}

// point is one cumulative CPU counter value and when it was read.
type point struct {
	at time.Time
	v  uint64
}

// reading is one pass over every counter: "node", "c/<container id>" and
// "p/<sandbox id>".
type reading struct {
	at     time.Time
	points map[string]point
}

// maxSamples is how many readings the cache keeps.
const maxSamples = 2

// New returns a Provider, filling in defaults.
func New(cfg Config) *Provider {
	if cfg.ProcRoot == "" {
		cfg.ProcRoot = "/proc"
	}
	if cfg.Interval <= 0 {
		cfg.Interval = DefaultInterval
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.PodLogsDir == "" {
		cfg.PodLogsDir = "/var/log/pods"
	}
	return &Provider{cfg: cfg, pids: map[string]int{}}
}

// Run samples the CPU counters every Interval until ctx ends, so that a
// Summary request has a baseline to compute rates against.
func (p *Provider) Run(ctx context.Context) {
	t := time.NewTicker(p.cfg.Interval)
	defer t.Stop()
	for {
		if _, err := p.collect(ctx, true, true); err != nil && ctx.Err() == nil {
			p.cfg.Logger.Debug("stats sample failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// raw is what one collection pass read.
type raw struct {
	at         time.Time
	boot       time.Time
	node       *point
	sandboxes  []*runtimeapi.PodSandbox
	containers map[string]*runtimeapi.Container
	cstats     map[string]*runtimeapi.ContainerStats
	pstats     map[string]*runtimeapi.PodSandboxStats
	reading    reading
}

// collect reads the node's and runtime's counters. With record it stores
// the reading in the cache (always when force, else only when the newest
// cached one is an Interval old).
func (p *Provider) collect(ctx context.Context, record, force bool) (*raw, error) {
	r := &raw{at: p.cfg.Now(), containers: map[string]*runtimeapi.Container{},
		cstats: map[string]*runtimeapi.ContainerStats{}, pstats: map[string]*runtimeapi.PodSandboxStats{}}
	r.reading = reading{at: r.at, points: map[string]point{}}
	if busy, boot, err := hostCPU(p.cfg.ProcRoot); err == nil {
		r.node, r.boot = &point{at: r.at, v: busy}, boot
		r.reading.points["node"] = *r.node
	} else {
		p.cfg.Logger.Debug("node cpu", "err", err)
	}
	rt := p.cfg.Runtime
	sbs, err := rt.ListPodSandbox(ctx, &runtimeapi.ListPodSandboxRequest{Filter: &runtimeapi.PodSandboxFilter{
		State: &runtimeapi.PodSandboxStateValue{State: runtimeapi.PodSandboxState_SANDBOX_READY}}})
	if err != nil {
		return nil, fmt.Errorf("list pod sandboxes: %w", err)
	}
	r.sandboxes = newestPerPod(sbs.Items)
	cs, err := rt.ListContainers(ctx, &runtimeapi.ListContainersRequest{Filter: &runtimeapi.ContainerFilter{
		State: &runtimeapi.ContainerStateValue{State: runtimeapi.ContainerState_CONTAINER_RUNNING}}})
	if err != nil {
		return nil, fmt.Errorf("list containers: %w", err)
	}
	for _, c := range cs.Containers {
		r.containers[c.Id] = c
	}
	st, err := rt.ListContainerStats(ctx, &runtimeapi.ListContainerStatsRequest{})
	if err != nil {
		return nil, fmt.Errorf("list container stats: %w", err)
	}
	for _, s := range st.Stats {
		id := s.GetAttributes().GetId()
		if _, ok := r.containers[id]; !ok {
			continue
		}
		r.cstats[id] = s
		if v := s.GetCpu().GetUsageCoreNanoSeconds(); v != nil {
			r.reading.points["c/"+id] = point{at: stamp(s.GetCpu().GetTimestamp(), r.at), v: v.Value}
		}
	}
	if !p.noSandboxStats.Load() {
		ps, err := rt.ListPodSandboxStats(ctx, &runtimeapi.ListPodSandboxStatsRequest{})
		switch {
		case status.Code(err) == codes.Unimplemented:
			p.noSandboxStats.Store(true)
		case err != nil:
			p.cfg.Logger.Debug("pod sandbox stats", "err", err)
		default:
			for _, s := range ps.Stats {
				id := s.GetAttributes().GetId()
				r.pstats[id] = s
				if v := s.GetLinux().GetCpu().GetUsageCoreNanoSeconds(); v != nil {
					r.reading.points["p/"+id] = point{at: stamp(s.GetLinux().GetCpu().GetTimestamp(), r.at), v: v.Value}
				}
			}
		}
	}
	if record {
		p.mu.Lock()
		if n := len(p.samples); force || n == 0 || r.at.Sub(p.samples[n-1].at) >= p.cfg.Interval {
			p.samples = append(p.samples, r.reading)
			if len(p.samples) > maxSamples {
				p.samples = p.samples[len(p.samples)-maxSamples:]
			}
		}
		p.mu.Unlock()
	}
	return r, nil
}

// newestPerPod keeps the newest sandbox of each pod UID, sorted by namespace and name.
func newestPerPod(in []*runtimeapi.PodSandbox) []*runtimeapi.PodSandbox {
	by := map[string]*runtimeapi.PodSandbox{}
	for _, sb := range in {
		uid := sb.GetMetadata().GetUid()
		if cur, ok := by[uid]; !ok || sb.CreatedAt > cur.CreatedAt {
			by[uid] = sb
		}
	}
	out := make([]*runtimeapi.PodSandbox, 0, len(by))
	for _, sb := range by {
		out = append(out, sb)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i].GetMetadata(), out[j].GetMetadata()
		if a.GetNamespace() != b.GetNamespace() {
			return a.GetNamespace() < b.GetNamespace()
		}
		return a.GetName() < b.GetName()
	})
	return out
}

// stamp converts a CRI nanosecond timestamp, falling back to def when unset.
func stamp(ns int64, def time.Time) time.Time {
	if ns <= 0 {
		return def
	}
	return time.Unix(0, ns)
}

// rate is the average usage in nano-cores of counter key between a cached
// reading and now: the newest one at least minWindow older, else the
// newest older one at all. It is nil without such a reading or when the
// counter went backwards.
func (p *Provider) rate(key string, now point) *uint64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	var base *point
	for i := len(p.samples) - 1; i >= 0; i-- {
		old, ok := p.samples[i].points[key]
		if !ok || !old.at.Before(now.at) {
			continue
		}
		base = &old
		if now.at.Sub(old.at) >= minWindow {
			break
		}
	}
	if base == nil || now.v < base.v {
		return nil
	}
	dt := now.at.Sub(base.at)
	r := uint64(float64(now.v-base.v) / dt.Seconds())
	return &r
}

// Summary reads fresh figures and returns the Summary document; with
// onlyCPUAndMemory it leaves out filesystems, network and volumes, like
// ?only_cpu_and_memory=true.
func (p *Provider) Summary(ctx context.Context, onlyCPUAndMemory bool) (*Summary, error) {
	r, err := p.collect(ctx, true, false)
	if err != nil {
		return nil, err
	}
	s := &Summary{Node: p.nodeStats(ctx, r, onlyCPUAndMemory), Pods: []PodStats{}}
	var rootfs *FsStats
	var logsFs *FsStats
	if !onlyCPUAndMemory {
		if s.Node.Runtime != nil {
			rootfs = s.Node.Runtime.ContainerFs
			if rootfs == nil {
				rootfs = s.Node.Runtime.ImageFs
			}
		}
		logsFs, _ = fsInfo(existingParent(p.cfg.PodLogsDir), r.at)
	}
	for _, sb := range r.sandboxes {
		ps := p.podStats(r, sb, onlyCPUAndMemory, rootfs, logsFs)
		if !onlyCPUAndMemory && ps.Network == nil {
			// runtimes without sandbox stats (containerd 1.6): read the
			// counters of the pod's network namespace.
			if pid := p.sandboxPid(ctx, sb.Id); pid > 0 {
				ps.Network, _ = netDev(p.cfg.ProcRoot, pid, r.at)
			}
		}
		s.Pods = append(s.Pods, ps)
	}
	p.forgetPids(r.sandboxes)
	return s, nil
}

func (p *Provider) nodeStats(ctx context.Context, r *raw, only bool) NodeStats {
	n := NodeStats{NodeName: p.cfg.NodeName, StartTime: mtime(r.boot)}
	if r.node != nil {
		n.CPU = &CPUStats{Time: mtime(r.at), UsageCoreNanoSeconds: u64(r.node.v), UsageNanoCores: p.rate("node", *r.node)}
	}
	if m, err := readHostMemory(p.cfg.ProcRoot); err == nil {
		n.Memory = m.stats(r.at)
	}
	if only {
		return n
	}
	if p.cfg.RootDir != "" {
		if fs, err := fsInfo(existingParent(p.cfg.RootDir), r.at); err == nil {
			n.Fs = fs
		}
	}
	n.Runtime = p.runtimeFs(ctx, r.at)
	n.Rlimit = rlimit(p.cfg.ProcRoot, r.at)
	return n
}

// runtimeFs reports the runtime's image filesystem (and a separate
// container filesystem when the runtime names one).
func (p *Provider) runtimeFs(ctx context.Context, at time.Time) *RuntimeStats {
	resp, err := p.cfg.Runtime.ImageFsInfo(ctx, &runtimeapi.ImageFsInfoRequest{})
	if err != nil || len(resp.GetImageFilesystems()) == 0 {
		return nil
	}
	conv := func(u *runtimeapi.FilesystemUsage) *FsStats {
		var base *FsStats
		if mp := u.GetFsId().GetMountpoint(); mp != "" {
			base, _ = fsInfo(existingParent(mp), at)
		}
		out := withUsage(base, stamp(u.GetTimestamp(), at), u.GetUsedBytes().GetValue(), u.GetInodesUsed().GetValue())
		if u.GetUsedBytes() == nil {
			out.UsedBytes = nil
		}
		if u.GetInodesUsed() == nil {
			out.InodesUsed = nil
		}
		return out
	}
	rs := &RuntimeStats{ImageFs: conv(resp.ImageFilesystems[0])}
	if cf := resp.GetContainerFilesystems(); len(cf) > 0 {
		rs.ContainerFs = conv(cf[0])
	}
	return rs
}

// existingParent returns path or its nearest existing ancestor, so that
// statfs works before the directory is created.
func existingParent(path string) string {
	for {
		if _, err := os.Stat(path); err == nil || path == "/" || path == "." {
			return path
		}
		path = filepath.Dir(path)
	}
}

func (p *Provider) podStats(r *raw, sb *runtimeapi.PodSandbox, only bool, rootfs, logsFs *FsStats) PodStats {
	md := sb.GetMetadata()
	ps := PodStats{PodRef: PodReference{Name: md.GetName(), Namespace: md.GetNamespace(), UID: md.GetUid()},
		StartTime: mtime(time.Unix(0, sb.CreatedAt)), Containers: []ContainerStats{}}
	var ids []string
	for id, c := range r.containers {
		if c.PodSandboxId == sb.Id {
			ids = append(ids, id)
		}
	}
	sort.Slice(ids, func(i, j int) bool {
		return r.containers[ids[i]].GetMetadata().GetName() < r.containers[ids[j]].GetMetadata().GetName()
	})
	logDir := podworker.LogDirectory(p.cfg.PodLogsDir, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{
		Name: md.GetName(), Namespace: md.GetNamespace(), UID: types.UID(md.GetUid())}})
	var sumCPU, sumRate cpuSum
	var sumMem memSum
	var ephUsed, ephInodes uint64
	for _, id := range ids {
		c := r.containers[id]
		name := c.GetMetadata().GetName()
		cs := ContainerStats{Name: name, StartTime: mtime(time.Unix(0, c.CreatedAt))}
		st := r.cstats[id]
		if cpu := st.GetCpu(); cpu != nil && cpu.UsageCoreNanoSeconds != nil {
			now := point{at: stamp(cpu.Timestamp, r.at), v: cpu.UsageCoreNanoSeconds.Value}
			cs.CPU = &CPUStats{Time: mtime(now.at), UsageCoreNanoSeconds: u64(now.v), UsageNanoCores: p.rate("c/"+id, now)}
			if cs.CPU.UsageNanoCores == nil && cpu.UsageNanoCores != nil {
				cs.CPU.UsageNanoCores = u64(cpu.UsageNanoCores.Value)
			}
		}
		sumCPU.add(cs.CPU, false)
		sumRate.add(cs.CPU, true)
		if m := st.GetMemory(); m != nil {
			cs.Memory = memoryStats(m, r.at)
		}
		sumMem.add(cs.Memory)
		if !only {
			if wl := st.GetWritableLayer(); wl != nil {
				cs.Rootfs = withUsage(rootfs, stamp(wl.Timestamp, r.at), wl.GetUsedBytes().GetValue(), wl.GetInodesUsed().GetValue())
				ephUsed += wl.GetUsedBytes().GetValue()
				ephInodes += wl.GetInodesUsed().GetValue()
			}
			used, inodes := diskUsage(filepath.Join(logDir, name))
			cs.Logs = withUsage(logsFs, r.at, used, inodes)
			ephUsed += used
			ephInodes += inodes
		}
		ps.Containers = append(ps.Containers, cs)
	}
	pst := r.pstats[sb.Id]
	if cpu := pst.GetLinux().GetCpu(); cpu != nil && cpu.UsageCoreNanoSeconds != nil {
		now := point{at: stamp(cpu.Timestamp, r.at), v: cpu.UsageCoreNanoSeconds.Value}
		ps.CPU = &CPUStats{Time: mtime(now.at), UsageCoreNanoSeconds: u64(now.v), UsageNanoCores: p.rate("p/"+sb.Id, now)}
		if ps.CPU.UsageNanoCores == nil {
			ps.CPU.UsageNanoCores = sumRate.rate()
		}
	} else if len(ids) > 0 {
		ps.CPU = sumCPU.stats(r.at)
		if ps.CPU != nil {
			ps.CPU.UsageNanoCores = sumRate.rate()
		}
	}
	if m := pst.GetLinux().GetMemory(); m != nil && m.WorkingSetBytes != nil {
		ps.Memory = memoryStats(m, r.at)
	} else if len(ids) > 0 {
		ps.Memory = sumMem.stats(r.at)
	}
	if only {
		return ps
	}
	if proc := pst.GetLinux().GetProcess(); proc != nil && proc.ProcessCount != nil {
		ps.ProcessStats = &ProcessStats{ProcessCount: u64(proc.ProcessCount.Value)}
	}
	if nw := pst.GetLinux().GetNetwork(); nw != nil {
		ps.Network = networkStats(nw, r.at)
	}
	volRoot := filepath.Join(p.cfg.RootDir, "pods", md.GetUid(), "volumes")
	if p.cfg.RootDir != "" {
		nodeFs, _ := fsInfo(existingParent(p.cfg.RootDir), r.at)
		plugins, _ := os.ReadDir(volRoot)
		for _, pl := range plugins {
			vols, _ := os.ReadDir(filepath.Join(volRoot, pl.Name()))
			for _, v := range vols {
				used, inodes := diskUsage(filepath.Join(volRoot, pl.Name(), v.Name()))
				ps.VolumeStats = append(ps.VolumeStats, VolumeStats{Name: v.Name(), FsStats: *withUsage(nodeFs, r.at, used, inodes)})
				ephUsed += used
				ephInodes += inodes
			}
		}
		sort.Slice(ps.VolumeStats, func(i, j int) bool { return ps.VolumeStats[i].Name < ps.VolumeStats[j].Name })
	}
	ps.EphemeralStorage = withUsage(rootfs, r.at, ephUsed, ephInodes)
	return ps
}

// memoryStats converts CRI memory usage.
func memoryStats(m *runtimeapi.MemoryUsage, def time.Time) *MemoryStats {
	val := func(v *runtimeapi.UInt64Value) *uint64 {
		if v == nil {
			return nil
		}
		return u64(v.Value)
	}
	return &MemoryStats{Time: mtime(stamp(m.Timestamp, def)), AvailableBytes: val(m.AvailableBytes), UsageBytes: val(m.UsageBytes),
		WorkingSetBytes: val(m.WorkingSetBytes), RSSBytes: val(m.RssBytes), PageFaults: val(m.PageFaults), MajorPageFaults: val(m.MajorPageFaults)}
}

// networkStats converts CRI network usage.
func networkStats(n *runtimeapi.NetworkUsage, def time.Time) *NetworkStats {
	conv := func(i *runtimeapi.NetworkInterfaceUsage) InterfaceStats {
		out := InterfaceStats{Name: i.GetName()}
		if i.RxBytes != nil {
			out.RxBytes = u64(i.RxBytes.Value)
		}
		if i.RxErrors != nil {
			out.RxErrors = u64(i.RxErrors.Value)
		}
		if i.TxBytes != nil {
			out.TxBytes = u64(i.TxBytes.Value)
		}
		if i.TxErrors != nil {
			out.TxErrors = u64(i.TxErrors.Value)
		}
		return out
	}
	out := &NetworkStats{Time: mtime(stamp(n.Timestamp, def))}
	if n.DefaultInterface != nil {
		out.InterfaceStats = conv(n.DefaultInterface)
	}
	for _, i := range n.Interfaces {
		out.Interfaces = append(out.Interfaces, conv(i))
	}
	return out
}

// cpuSum adds container CPU figures into pod figures; missing parts make
// the sum unknown.
type cpuSum struct {
	n       int
	total   uint64
	missing bool
}

func (s *cpuSum) add(c *CPUStats, rate bool) {
	s.n++
	var v *uint64
	if c != nil {
		v = c.UsageCoreNanoSeconds
		if rate {
			v = c.UsageNanoCores
		}
	}
	if v == nil {
		s.missing = true
		return
	}
	s.total += *v
}

func (s *cpuSum) rate() *uint64 {
	if s.n == 0 || s.missing {
		return nil
	}
	return u64(s.total)
}

func (s *cpuSum) stats(at time.Time) *CPUStats {
	if s.n == 0 || s.missing {
		return nil
	}
	return &CPUStats{Time: mtime(at), UsageCoreNanoSeconds: u64(s.total)}
}

// memSum adds container memory figures into pod figures.
type memSum struct {
	n                                  int
	ws, usage, rss, faults, majFaults  uint64
	hasWS, hasUsage, hasRSS, hasFaults bool
}

func (s *memSum) add(m *MemoryStats) {
	if m == nil {
		return
	}
	s.n++
	add := func(dst *uint64, has *bool, v *uint64) {
		if v != nil {
			*dst += *v
			*has = true
		}
	}
	add(&s.ws, &s.hasWS, m.WorkingSetBytes)
	add(&s.usage, &s.hasUsage, m.UsageBytes)
	add(&s.rss, &s.hasRSS, m.RSSBytes)
	add(&s.faults, &s.hasFaults, m.PageFaults)
	if m.MajorPageFaults != nil {
		s.majFaults += *m.MajorPageFaults
	}
}

func (s *memSum) stats(at time.Time) *MemoryStats {
	if s.n == 0 {
		return nil
	}
	opt := func(v uint64, has bool) *uint64 {
		if !has {
			return nil
		}
		return u64(v)
	}
	out := &MemoryStats{Time: mtime(at), WorkingSetBytes: opt(s.ws, s.hasWS), UsageBytes: opt(s.usage, s.hasUsage),
		RSSBytes: opt(s.rss, s.hasRSS), PageFaults: opt(s.faults, s.hasFaults)}
	if s.hasFaults {
		out.MajorPageFaults = u64(s.majFaults)
	}
	return out
}
