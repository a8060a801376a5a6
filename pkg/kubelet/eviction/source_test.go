package eviction

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

func write(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestNodeSignals(t *testing.T) {
	cases := []struct {
		name      string
		cgroup    bool
		wantAvail int64
	}{
		{"memory comes from the root cgroup working set when there is one", true, 1000*1024*1024 - (300*1024*1024 - 100*1024*1024)},
		{"memory falls back to MemAvailable without a memory cgroup", false, 700 * 1024 * 1024},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			proc, cg := filepath.Join(dir, "proc"), filepath.Join(dir, "cgroup")
			write(t, filepath.Join(proc, "meminfo"), "MemTotal:       1024000 kB\nMemFree:  1000 kB\nMemAvailable:    716800 kB\n")
			write(t, filepath.Join(proc, "sys/kernel/pid_max"), "4194304\n")
			if tc.cgroup {
				write(t, filepath.Join(cg, "memory/memory.usage_in_bytes"), "314572800\n")
				write(t, filepath.Join(cg, "memory/memory.stat"), "cache 1\ntotal_inactive_file 104857600\n")
			}
			n := &NodeSignals{RootDir: dir, ProcRoot: proc, CgroupRoot: cg}
			obs, err := n.Observe(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			m := obs[SignalMemoryAvailable]
			if m.Available != tc.wantAvail || m.Capacity != 1024000*1024 {
				t.Errorf("memory = %+v, want available %d", m, tc.wantAvail)
			}
			fs := obs[SignalNodeFsAvailable]
			if fs.Capacity <= 0 || fs.Available <= 0 || fs.Available > fs.Capacity {
				t.Errorf("nodefs = %+v", fs)
			}
			if _, ok := obs[SignalNodeFsInodesFree]; !ok {
				t.Error("no nodefs.inodesFree observation")
			}
			if p := obs[SignalPIDAvailable]; p.Capacity != 4194304 || p.Available <= 0 || p.Available >= p.Capacity {
				t.Errorf("pid = %+v", p)
			}
			if _, ok := obs[SignalImageFsAvailable]; ok {
				t.Error("imagefs observed without a runtime")
			}
		})
	}
}

func TestDirUsageCountsFilesAndInodes(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "a/b"), string(make([]byte, 64*1024)))
	write(t, filepath.Join(dir, "c"), "x")
	u := dirUsage(dir)
	if u.Inodes != 4 { // dir, a, a/b, c
		t.Errorf("inodes = %d, want 4", u.Inodes)
	}
	if u.Bytes < 64*1024 {
		t.Errorf("bytes = %d, want at least 64 KiB", u.Bytes)
	}
	if got := dirUsage(filepath.Join(dir, "missing")); got != (DiskUsage{}) {
		t.Errorf("missing dir usage = %+v", got)
	}
}
