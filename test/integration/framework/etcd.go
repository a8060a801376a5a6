package framework

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"keel.dev/keel/pkg/apiserver/storage/embedetcd"
	"keel.dev/keel/pkg/apiserver/storage/etcd3"
)

// etcdEndpoints are the client URLs of the package's etcd (set by EtcdMain).
var etcdEndpoints []string

// EtcdMain starts one embedded etcd on loopback in a temporary directory,
// runs the package's tests and tears etcd down. Call it from TestMain.
func EtcdMain(m *testing.M) {
	code, err := runWithEtcd(m.Run)
	if err != nil {
		fmt.Fprintln(os.Stderr, "integration framework:", err)
		code = 1
	}
	if code != 0 {
		os.Exit(code)
	}
}

func runWithEtcd(run func() int) (int, error) {
	dir, err := os.MkdirTemp("", "keel-integration-etcd-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	srv, err := embedetcd.Start(ctx, embedetcd.Config{DataDir: dir, UnsafeNoFsync: true})
	if err != nil {
		return 0, err
	}
	defer srv.Close()
	etcdEndpoints = srv.Endpoints()
	return run(), nil
}

// EtcdClient returns a client of the package's etcd, closed when t ends.
func EtcdClient(t testing.TB) *clientv3.Client {
	t.Helper()
	if len(etcdEndpoints) == 0 {
		t.Fatal("no etcd: call framework.EtcdMain from TestMain")
	}
	cli, err := etcd3.NewClient(context.Background(), etcd3.ClientConfig{Endpoints: etcdEndpoints})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cli.Close() })
	return cli
}
