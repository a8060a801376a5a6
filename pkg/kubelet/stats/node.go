package stats

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
)

// userHZ is the unit of the CPU times in /proc/stat (USER_HZ, 100 on Linux).
const userHZ = 100

// hostCPU reads the node's cumulative busy CPU time (user, nice, system,
// irq, softirq and steal; guest time is already inside user) and the boot
// time from <proc>/stat.
func hostCPU(proc string) (busyNanos uint64, boot time.Time, err error) {
	data, err := os.ReadFile(filepath.Join(proc, "stat"))
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("read cpu times: %w", err)
	}
	found := false
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		switch f[0] {
		case "cpu":
			// cpu user nice system idle iowait irq softirq steal ...
			var ticks uint64
			for i, v := range f[1:] {
				if i == 3 || i == 4 || i > 7 { // idle, iowait, guest, guest_nice
					continue
				}
				n, perr := strconv.ParseUint(v, 10, 64)
				if perr != nil {
					return 0, time.Time{}, fmt.Errorf("parse %s/stat cpu line: %w", proc, perr)
				}
				ticks += n
			}
			busyNanos = ticks * (uint64(time.Second) / userHZ)
			found = true
		case "btime":
			if len(f) > 1 {
				if s, perr := strconv.ParseInt(f[1], 10, 64); perr == nil {
					boot = time.Unix(s, 0)
				}
			}
		}
	}
	if !found {
		return 0, time.Time{}, fmt.Errorf("no cpu line in %s/stat", proc)
	}
	return busyNanos, boot, nil
}

// hostMemory is the node's memory from /proc/meminfo and /proc/vmstat.
type hostMemory struct {
	total, free, available, inactiveFile, anon uint64
	pageFaults, majorPageFaults                uint64
}

// readHostMemory parses <proc>/meminfo (kB values) and the fault counters
// of <proc>/vmstat.
func readHostMemory(proc string) (hostMemory, error) {
	var m hostMemory
	data, err := os.ReadFile(filepath.Join(proc, "meminfo"))
	if err != nil {
		return m, fmt.Errorf("read meminfo: %w", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		key, rest, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) == 0 {
			continue
		}
		n, err := strconv.ParseUint(f[0], 10, 64)
		if err != nil {
			continue
		}
		if len(f) > 1 && f[1] == "kB" {
			n *= 1024
		}
		switch key {
		case "MemTotal":
			m.total = n
		case "MemFree":
			m.free = n
		case "MemAvailable":
			m.available = n
		case "Inactive(file)":
			m.inactiveFile = n
		case "AnonPages":
			m.anon = n
		}
	}
	if m.total == 0 {
		return m, fmt.Errorf("no MemTotal in %s/meminfo", proc)
	}
	if data, err := os.ReadFile(filepath.Join(proc, "vmstat")); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			f := strings.Fields(line)
			if len(f) != 2 {
				continue
			}
			n, err := strconv.ParseUint(f[1], 10, 64)
			if err != nil {
				continue
			}
			switch f[0] {
			case "pgfault":
				m.pageFaults = n
			case "pgmajfault":
				m.majorPageFaults = n
			}
		}
	}
	return m, nil
}

// stats turns the readings into MemoryStats the way the root cgroup would:
// usage is everything not free, the working set leaves out inactive file
// cache, and available is capacity minus the working set.
func (m hostMemory) stats(at time.Time) *MemoryStats {
	usage := m.total - m.free
	ws := usage
	if m.inactiveFile < ws {
		ws -= m.inactiveFile
	} else {
		ws = 0
	}
	return &MemoryStats{Time: mtime(at), AvailableBytes: u64(m.total - ws), UsageBytes: u64(usage),
		WorkingSetBytes: u64(ws), RSSBytes: u64(m.anon), PageFaults: u64(m.pageFaults), MajorPageFaults: u64(m.majorPageFaults)}
}

// rlimit reads pid_max and the number of tasks (the total of /proc/loadavg's
// "running/total" field).
func rlimit(proc string, at time.Time) *RlimitStats {
	out := &RlimitStats{Time: mtime(at)}
	if data, err := os.ReadFile(filepath.Join(proc, "sys", "kernel", "pid_max")); err == nil {
		if n, err := strconv.ParseInt(strings.TrimSpace(string(data)), 10, 64); err == nil {
			out.MaxPID = &n
		}
	}
	if data, err := os.ReadFile(filepath.Join(proc, "loadavg")); err == nil {
		if f := strings.Fields(string(data)); len(f) >= 4 {
			if _, total, ok := strings.Cut(f[3], "/"); ok {
				if n, err := strconv.ParseInt(total, 10, 64); err == nil {
					out.NumOfRunningProcesses = &n
				}
			}
		}
	}
	return out
}

// fsInfo returns capacity, availability and inodes of the filesystem at
// path, with UsedBytes as the filesystem's own usage.
func fsInfo(path string, at time.Time) (*FsStats, error) {
	var st unix.Statfs_t
	if err := unix.Statfs(path, &st); err != nil {
		return nil, fmt.Errorf("statfs %s: %w", path, err)
	}
	bs := uint64(st.Bsize)
	fs := &FsStats{Time: mtime(at), CapacityBytes: u64(st.Blocks * bs), AvailableBytes: u64(st.Bavail * bs),
		UsedBytes: u64((st.Blocks - st.Bfree) * bs)}
	if st.Files > 0 {
		fs.Inodes, fs.InodesFree, fs.InodesUsed = u64(st.Files), u64(st.Ffree), u64(st.Files-st.Ffree)
	}
	return fs, nil
}

// withUsage copies the filesystem figures of fs (nil allowed) with the
// given object usage.
func withUsage(fs *FsStats, at time.Time, used, inodes uint64) *FsStats {
	out := &FsStats{Time: mtime(at)}
	if fs != nil {
		out.AvailableBytes, out.CapacityBytes, out.Inodes, out.InodesFree = fs.AvailableBytes, fs.CapacityBytes, fs.Inodes, fs.InodesFree
	}
	out.UsedBytes, out.InodesUsed = u64(used), u64(inodes)
	return out
}

// diskUsage sums the sizes (allocated blocks) and counts the inodes of the
// tree at path; a missing path uses nothing.
func diskUsage(path string) (bytes, inodes uint64) {
	_ = filepath.WalkDir(path, func(_ string, d os.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		inodes++
		info, err := d.Info()
		if err != nil {
			return nil
		}
		if st, ok := info.Sys().(*syscall.Stat_t); ok && st != nil {
			bytes += uint64(st.Blocks) * 512
		} else {
			bytes += uint64(info.Size())
		}
		return nil
	})
	return bytes, inodes
}

func u64(v uint64) *uint64 { return &v }

// mtime is a metav1.Time for t.
func mtime(t time.Time) metav1.Time { return metav1.NewTime(t) }
