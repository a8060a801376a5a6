package eviction

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/types"
	"keel.dev/keel/pkg/kubelet/cri"
)

// Observation is one signal's value at a point in time.
type Observation struct {
	Available int64
	Capacity  int64
	Time      time.Time
}

// Observations maps each observed signal to its value.
type Observations map[Signal]Observation

// SignalSource observes the node's eviction signals. The manager calls it
// from its loop, one call at a time; a signal missing from the result is
// not evaluated.
type SignalSource interface {
	Observe(ctx context.Context) (Observations, error)
}

// DiskUsage is bytes and inodes used.
type DiskUsage struct {
	Bytes  int64
	Inodes int64
}

func (d *DiskUsage) add(o DiskUsage) {
	d.Bytes += o.Bytes
	d.Inodes += o.Inodes
}

// ContainerUsage is what one container of a pod consumes.
type ContainerUsage struct {
	// WorkingSet is the memory working set in bytes.
	WorkingSet int64
	// RootFS is the container's writable layer; Logs its log files.
	RootFS DiskUsage
	Logs   DiskUsage
}

// PodUsage is what a pod consumes, per container and in its local
// ephemeral volumes (emptyDir on disk).
type PodUsage struct {
	Containers map[string]ContainerUsage
	Volumes    DiskUsage
	Processes  int64
}

// Memory returns the pod's memory working set.
func (u PodUsage) Memory() int64 {
	var n int64
	for _, c := range u.Containers {
		n += c.WorkingSet
	}
	return n
}

// PodStatsSource measures the given pods; withDisk asks for disk usage,
// which costs a walk of the pods' log and volume directories. A pod
// missing from the result has no stats and ranks first, as in Kubernetes.
type PodStatsSource interface {
	PodStats(ctx context.Context, pods []*corev1.Pod, withDisk bool) (map[types.UID]PodUsage, error)
}

// NodeSignals observes the signals of the local host: memory from the root
// memory cgroup (working set = usage - inactive file) or /proc/meminfo,
// nodefs by statfs of the kubelet's root directory, imagefs by statfs of
// the runtime's image filesystem, pid.available from pid_max and the
// process count.
type NodeSignals struct {
	// RootDir is the kubelet's root directory (nodefs).
	RootDir string
	// Runtime reports the image filesystem; nil observes no imagefs.
	Runtime cri.Service
	// ProcRoot and CgroupRoot default to /proc and /sys/fs/cgroup.
	ProcRoot   string
	CgroupRoot string
	// Now defaults to time.Now.
	Now func() time.Time

	dedicated atomic.Bool
}

// DedicatedImageFs reports whether the last observation found the image
// filesystem on another device than the root directory.
func (n *NodeSignals) DedicatedImageFs() bool { return n.dedicated.Load() }

var _ SignalSource = (*NodeSignals)(nil)

// Observe reads every signal it can; it fails only when none could be read.
func (n *NodeSignals) Observe(ctx context.Context) (Observations, error) {
	now := time.Now
	if n.Now != nil {
		now = n.Now
	}
	t := now()
	out := Observations{}
	var errs []error
	if avail, capacity, err := n.memory(); err == nil {
		out[SignalMemoryAvailable] = Observation{Available: avail, Capacity: capacity, Time: t}
	} else {
		errs = append(errs, err)
	}
	if st, err := statfs(n.RootDir); err == nil {
		out[SignalNodeFsAvailable] = Observation{Available: st.availBytes, Capacity: st.capBytes, Time: t}
		out[SignalNodeFsInodesFree] = Observation{Available: st.freeInodes, Capacity: st.inodes, Time: t}
	} else {
		errs = append(errs, err)
	}
	if mp := n.imageFsMountpoint(ctx); mp != "" {
		n.dedicated.Store(device(mp) != device(n.RootDir))
		if st, err := statfs(mp); err == nil {
			out[SignalImageFsAvailable] = Observation{Available: st.availBytes, Capacity: st.capBytes, Time: t}
			out[SignalImageFsInodesFree] = Observation{Available: st.freeInodes, Capacity: st.inodes, Time: t}
		}
	}
	if avail, capacity, err := n.pids(); err == nil {
		out[SignalPIDAvailable] = Observation{Available: avail, Capacity: capacity, Time: t}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("observe eviction signals: %w", errors.Join(errs...))
	}
	return out, nil
}

func (n *NodeSignals) proc(p string) string {
	root := n.ProcRoot
	if root == "" {
		root = "/proc"
	}
	return filepath.Join(root, p)
}

// memory returns available and capacity bytes.
func (n *NodeSignals) memory() (int64, int64, error) {
	info, err := readKV(n.proc("meminfo"), ":")
	if err != nil {
		return 0, 0, err
	}
	total, ok := info["MemTotal"]
	if !ok {
		return 0, 0, fmt.Errorf("meminfo: no MemTotal")
	}
	total *= 1024
	if ws, ok := n.cgroupWorkingSet(); ok {
		avail := total - ws
		if avail < 0 {
			avail = 0
		}
		return avail, total, nil
	}
	if a, ok := info["MemAvailable"]; ok {
		return a * 1024, total, nil
	}
	return 0, 0, fmt.Errorf("meminfo: no MemAvailable")
}

// cgroupWorkingSet reads the root memory cgroup (v1) usage minus inactive file pages.
func (n *NodeSignals) cgroupWorkingSet() (int64, bool) {
	root := n.CgroupRoot
	if root == "" {
		root = "/sys/fs/cgroup"
	}
	b, err := os.ReadFile(filepath.Join(root, "memory", "memory.usage_in_bytes"))
	if err != nil {
		return 0, false
	}
	usage, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	if err != nil {
		return 0, false
	}
	st, err := readKV(filepath.Join(root, "memory", "memory.stat"), " ")
	if err != nil {
		return 0, false
	}
	ws := usage - st["total_inactive_file"]
	if ws < 0 {
		ws = 0
	}
	return ws, true
}

// pids returns available and capacity process IDs.
func (n *NodeSignals) pids() (int64, int64, error) {
	b, err := os.ReadFile(n.proc("sys/kernel/pid_max"))
	if err != nil {
		return 0, 0, err
	}
	max, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	if err != nil {
		return 0, 0, fmt.Errorf("pid_max: %w", err)
	}
	var si syscall.Sysinfo_t
	if err := syscall.Sysinfo(&si); err != nil {
		return 0, 0, fmt.Errorf("sysinfo: %w", err)
	}
	return max - int64(si.Procs), max, nil
}

func (n *NodeSignals) imageFsMountpoint(ctx context.Context) string {
	if n.Runtime == nil {
		return ""
	}
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	resp, err := n.Runtime.ImageFsInfo(cctx, &runtimeapi.ImageFsInfoRequest{})
	if err != nil {
		return ""
	}
	for _, f := range resp.GetImageFilesystems() {
		if mp := f.GetFsId().GetMountpoint(); mp != "" {
			return mp
		}
	}
	return ""
}

// device returns the device ID of path's filesystem (0 if unknown).
func device(path string) uint64 {
	var st syscall.Stat_t
	if err := syscall.Stat(path, &st); err != nil {
		return 0
	}
	return st.Dev
}

type fsStat struct {
	availBytes, capBytes, freeInodes, inodes int64
}

func statfs(path string) (fsStat, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(path, &st); err != nil {
		return fsStat{}, fmt.Errorf("statfs %s: %w", path, err)
	}
	return fsStat{
		availBytes: int64(st.Bavail) * st.Bsize, capBytes: int64(st.Blocks) * st.Bsize,
		freeInodes: int64(st.Ffree), inodes: int64(st.Files),
	}, nil
}

// readKV reads "key<sep>value [unit]" lines into a map.
func readKV(path, sep string) (map[string]int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]int64{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), sep)
		if !ok {
			continue
		}
		fields := strings.Fields(v)
		if len(fields) == 0 {
			continue
		}
		if n, err := strconv.ParseInt(fields[0], 10, 64); err == nil {
			out[strings.TrimSpace(k)] = n
		}
	}
	return out, sc.Err()
}

// dirUsage sums the allocated bytes and inodes under dir, not crossing
// into other filesystems (tmpfs volumes are memory, not disk).
func dirUsage(dir string) DiskUsage {
	var u DiskUsage
	var rootDev uint64
	if st, err := os.Lstat(dir); err == nil {
		if sys, ok := st.Sys().(*syscall.Stat_t); ok {
			rootDev = sys.Dev
		}
	} else {
		return u
	}
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		sys, ok := info.Sys().(*syscall.Stat_t)
		if !ok {
			return nil
		}
		if sys.Dev != rootDev {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		u.Inodes++
		u.Bytes += sys.Blocks * 512
		return nil
	})
	return u
}
