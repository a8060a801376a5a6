package podworker

import (
	"time"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/keel/pkg/kubelet/clock"
	"keel.dev/keel/pkg/kubelet/cri"
	"keel.dev/keel/pkg/kubelet/envvars"
)

// Config is what every pod worker of a node shares.
type Config struct {
	Runtime     cri.Service
	RuntimeName string
	Clock       clock.Clock
	Recorder    EventRecorder
	Sink        StatusSink
	Getter      envvars.Getter
	Services    envvars.ServiceLister
	Volumes     Volumes
	// RootDir is the kubelet's state directory (/var/lib/kubelet); termination
	// message files go under it. Empty disables termination messages.
	RootDir string
	// PodLogsDir is where sandbox log directories go (/var/log/pods).
	PodLogsDir string
	// CgroupParent is the cgroup parent of sandboxes ("" lets the runtime choose).
	CgroupParent string
	NodeName     string
	HostIPs      []string
	// NodeAllocatable backs resourceFieldRef limits; MemoryCapacity sizes oom_score_adj.
	NodeAllocatable corev1.ResourceList
	MemoryCapacity  int64
	ClusterDNS      []string
	ClusterDomain   string
	// Backoff is the container restart back-off (10 s doubling to 5 min).
	Backoff *Backoff
	// ImageBackoff is the image pull back-off.
	ImageBackoff *Backoff
	// ResyncPeriod is how often a worker re-syncs without updates (1 s).
	ResyncPeriod time.Duration
	// VolumeResyncPeriod is how often a running pod's configMap, secret,
	// downwardAPI and projected volume contents are refreshed (5 s).
	VolumeResyncPeriod time.Duration
	// MaxParallelStarts bounds how many pods create their sandbox and first
	// containers at once (default 4; negative means no bound).
	MaxParallelStarts int
	// StartWait is how long a pod waits for one of those slots before going
	// ahead anyway (default 10 s).
	StartWait time.Duration
	// RelistPeriod is how old the node-wide listing of sandboxes and
	// containers a resyncing worker reads may be (default ResyncPeriod;
	// negative: every worker lists its own pod).
	RelistPeriod time.Duration

	gate   *startGate
	relist *nodeRelist
}

func (c *Config) complete() {
	if c.Clock == nil {
		c.Clock = clock.Real{}
	}
	if c.Recorder == nil {
		c.Recorder = nopRecorder{}
	}
	if c.Sink == nil {
		c.Sink = nopSink{}
	}
	if c.RuntimeName == "" {
		c.RuntimeName = "containerd"
	}
	if c.PodLogsDir == "" {
		c.PodLogsDir = "/var/log/pods"
	}
	if c.ClusterDomain == "" {
		c.ClusterDomain = "cluster.local"
	}
	if c.Backoff == nil {
		c.Backoff = NewBackoff(10*time.Second, 5*time.Minute, c.Clock)
	}
	if c.ImageBackoff == nil {
		c.ImageBackoff = NewBackoff(10*time.Second, 5*time.Minute, c.Clock)
	}
	if c.ResyncPeriod == 0 {
		c.ResyncPeriod = time.Second
	}
	if c.VolumeResyncPeriod == 0 {
		c.VolumeResyncPeriod = 5 * time.Second
	}
	if c.MaxParallelStarts == 0 {
		c.MaxParallelStarts = 4
	}
	if c.StartWait == 0 {
		c.StartWait = 10 * time.Second
	}
	if c.RelistPeriod == 0 {
		c.RelistPeriod = c.ResyncPeriod
	}
	if c.relist == nil {
		c.relist = newNodeRelist(c.Runtime, c.Clock, c.RelistPeriod)
	}
	if c.gate == nil && c.MaxParallelStarts > 0 {
		c.gate = newStartGate(c.MaxParallelStarts, c.StartWait, c.Clock)
	}
}
