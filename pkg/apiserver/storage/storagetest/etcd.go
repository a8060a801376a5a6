package storagetest

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"

	clientv3 "go.etcd.io/etcd/client/v3"

	"keel.dev/keel/pkg/apiserver/storage/embedetcd"
	"keel.dev/keel/pkg/apiserver/storage/etcd3"
)

var (
	once    sync.Once
	server  *embedetcd.Server
	client  *clientv3.Client
	dataDir string
	initErr error
	prefixN atomic.Int64
)

// Etcd returns a client of the process-wide embedded etcd, starting it on
// first use (with fsync, so benchmarks measure a real disk). Call Shutdown
// from TestMain.
func Etcd(tb testing.TB) *clientv3.Client {
	tb.Helper()
	once.Do(func() {
		dataDir, initErr = os.MkdirTemp("", "keel-etcd-test-")
		if initErr != nil {
			return
		}
		ctx := context.Background()
		server, initErr = embedetcd.Start(ctx, embedetcd.Config{DataDir: dataDir})
		if initErr != nil {
			return
		}
		client, initErr = etcd3.NewClient(ctx, etcd3.ClientConfig{Endpoints: server.Endpoints()})
	})
	if initErr != nil {
		tb.Fatalf("embedded etcd: %v", initErr)
	}
	return client
}

// Shutdown stops the shared etcd and removes its data.
func Shutdown() {
	if client != nil {
		client.Close()
	}
	if server != nil {
		server.Close()
	}
	if dataDir != "" {
		os.RemoveAll(dataDir)
	}
}

// Prefix returns a fresh key prefix so tests sharing etcd do not meet.
func Prefix() string { return fmt.Sprintf("/registry-%d", prefixN.Add(1)) }

// Store returns an etcd3 store of Widgets under a fresh prefix.
func Store(tb testing.TB) *etcd3.Store {
	tb.Helper()
	s, err := etcd3.New(etcd3.Config{Client: Etcd(tb), Codec: JSONCodec{}, NewFunc: NewWidget, Prefix: Prefix()})
	if err != nil {
		tb.Fatal(err)
	}
	return s
}
