package etcd3_test

import (
	"context"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"keel.dev/keel/pkg/apiserver/storage"
	"keel.dev/keel/pkg/apiserver/storage/etcd3"
	"keel.dev/keel/pkg/apiserver/storage/storagetest"
)

func TestNewClientRejectsBadConfig(t *testing.T) {
	cases := []struct {
		name string
		cfg  etcd3.ClientConfig
	}{
		{"no endpoints is refused", etcd3.ClientConfig{}},
		{"a cert without a key is refused", etcd3.ClientConfig{Endpoints: []string{"http://127.0.0.1:1"}, CertFile: "c.pem"}},
		{"missing TLS files are refused", etcd3.ClientConfig{Endpoints: []string{"https://127.0.0.1:1"},
			CAFile: "/nonexistent/ca.pem", CertFile: "/nonexistent/c.pem", KeyFile: "/nonexistent/k.pem"}},
		{"an unreachable cluster is refused", etcd3.ClientConfig{Endpoints: []string{"http://127.0.0.1:1"}, DialTimeout: 300 * time.Millisecond}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cli, err := etcd3.NewClient(context.Background(), tc.cfg)
			if err == nil {
				cli.Close()
				t.Fatal("NewClient succeeded")
			}
		})
	}
	t.Run("a reachable cluster passes the health check", func(t *testing.T) {
		if err := etcd3.CheckHealth(context.Background(), storagetest.Etcd(t)); err != nil {
			t.Fatal(err)
		}
	})
}

func TestCreateWithTTLAttachesASharedLease(t *testing.T) {
	s := storagetest.Store(t)
	ctx := context.Background()
	var leases []int64
	for _, name := range []string{"a", "b"} {
		if _, err := s.Create(ctx, "/events/ns/"+name, storagetest.MakeWidget("ns", name, nil), storage.CreateOptions{TTL: 30}); err != nil {
			t.Fatal(err)
		}
		full, _ := s.FullKey("/events/ns/"+name, false)
		resp, err := s.Client().Get(ctx, full)
		if err != nil || len(resp.Kvs) != 1 {
			t.Fatalf("get %s: %v", full, err)
		}
		leases = append(leases, resp.Kvs[0].Lease)
	}
	if leases[0] == 0 || leases[0] != leases[1] {
		t.Fatalf("leases %v: want one shared non-zero lease", leases)
	}
	ttl, err := s.Client().TimeToLive(ctx, clientLease(leases[0]))
	if err != nil {
		t.Fatal(err)
	}
	if ttl.TTL < 30 || ttl.TTL > 91 {
		t.Fatalf("lease TTL %ds, want between 30s and 90s", ttl.TTL)
	}
}

func clientLease(id int64) clientv3.LeaseID { return clientv3.LeaseID(id) }
