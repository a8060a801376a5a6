package stats

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func statusUnimplemented() error { return status.Error(codes.Unimplemented, "not implemented") }

func TestProcParsers(t *testing.T) {
	dir := t.TempDir()
	writeProc(t, dir, 250)
	t.Run("hostCPU sums the busy columns", func(t *testing.T) {
		busy, boot, err := hostCPU(dir)
		if err != nil {
			t.Fatal(err)
		}
		if busy != 250*uint64(time.Second)/userHZ || boot.Unix() != 1700000000 {
			t.Errorf("busy %d boot %v", busy, boot)
		}
	})
	t.Run("a missing procfs is an error", func(t *testing.T) {
		if _, _, err := hostCPU(dir + "/nope"); err == nil {
			t.Error("no error")
		}
		if _, err := readHostMemory(dir + "/nope"); err == nil {
			t.Error("no error")
		}
	})
	t.Run("diskUsage counts a tree and nothing for a missing path", func(t *testing.T) {
		if b, n := diskUsage(dir + "/nope"); b != 0 || n != 0 {
			t.Errorf("missing path uses %d bytes %d inodes", b, n)
		}
		if b, n := diskUsage(dir); b == 0 || n < 6 {
			t.Errorf("proc dir uses %d bytes %d inodes", b, n)
		}
	})
}

func TestWriteResourceMetrics(t *testing.T) {
	e := newEnv(t)
	e.runPod(t, "ns1", "pod1", "u1", "app")
	s, err := e.provider.Summary(context.Background(), true)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := WriteResourceMetrics(&b, s, false); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	ms := " " + itoa(int(e.clk.now().UnixMilli()))
	for _, want := range []string{
		"# TYPE container_cpu_usage_seconds_total counter\n",
		`container_cpu_usage_seconds_total{container="app",namespace="ns1",pod="pod1"} 0` + ms + "\n",
		`container_memory_working_set_bytes{container="app",namespace="ns1",pod="pod1"} 8.388608e+06` + ms + "\n",
		`pod_memory_working_set_bytes{namespace="ns1",pod="pod1"} 8.388608e+06` + ms + "\n",
		"node_cpu_usage_seconds_total 10" + ms + "\n",
		"node_memory_working_set_bytes 5.12e+08" + ms + "\n",
		"# TYPE pod_cpu_usage_seconds_total counter\n",
		"resource_scrape_error 0\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("metrics lack %q:\n%s", want, out)
		}
	}
}

func TestNetDev(t *testing.T) {
	dir := t.TempDir()
	p := dir + "/42/net"
	if err := os.MkdirAll(p, 0o755); err != nil {
		t.Fatal(err)
	}
	data := `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:     100       1    0    0    0     0          0         0      100       1    0    0    0     0       0          0
  eth0:    5000      40    2    0    0     0          0         0     7000      50    3    0    0     0       0          0
`
	if err := os.WriteFile(p+"/dev", []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	n, err := netDev(dir, 42, time.Unix(5, 0))
	if err != nil {
		t.Fatal(err)
	}
	if n.Name != "eth0" || *n.RxBytes != 5000 || *n.RxErrors != 2 || *n.TxBytes != 7000 || *n.TxErrors != 3 || len(n.Interfaces) != 1 {
		t.Errorf("network = %+v", n)
	}
	if _, err := netDev(dir, 43, time.Unix(5, 0)); err == nil {
		t.Error("a missing process gives no error")
	}
}
