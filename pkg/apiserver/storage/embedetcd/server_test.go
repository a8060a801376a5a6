package embedetcd

import (
	"context"
	"strings"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
)

func TestStartServesClientsAndCloses(t *testing.T) {
	dir := t.TempDir()
	s, err := Start(context.Background(), Config{DataDir: dir, UnsafeNoFsync: true})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-s.Ready():
	default:
		t.Fatal("Ready not closed after Start")
	}
	eps := s.Endpoints()
	if len(eps) != 1 || !strings.HasPrefix(eps[0], "http://127.0.0.1:") || strings.HasSuffix(eps[0], ":0") {
		t.Fatalf("endpoints %v", eps)
	}
	cli, err := clientv3.New(clientv3.Config{Endpoints: eps, DialTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := cli.Put(ctx, "k", "v"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s.Close()
	select {
	case err := <-s.Err():
		t.Fatalf("error after a clean close: %v", err)
	default:
	}

	t.Run("a restart on the same data dir keeps the data", func(t *testing.T) {
		s2, err := Start(context.Background(), Config{DataDir: dir, UnsafeNoFsync: true})
		if err != nil {
			t.Fatal(err)
		}
		defer s2.Close()
		cli2, err := clientv3.New(clientv3.Config{Endpoints: s2.Endpoints(), DialTimeout: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		defer cli2.Close()
		resp, err := cli2.Get(ctx, "k")
		if err != nil || len(resp.Kvs) != 1 || string(resp.Kvs[0].Value) != "v" {
			t.Fatalf("got %v %v", resp, err)
		}
	})
}

func TestStartRejectsBadConfig(t *testing.T) {
	cases := []struct {
		name string
		cfg  Config
	}{
		{"a missing data dir is refused", Config{}},
		{"an unparsable client URL is refused", Config{DataDir: t.TempDir(), ClientURL: "http://[::1"}},
		{"an unknown log level is refused", Config{DataDir: t.TempDir(), LogLevel: "chatty"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if s, err := Start(context.Background(), tc.cfg); err == nil {
				s.Close()
				t.Fatal("Start succeeded")
			}
		})
	}
}
