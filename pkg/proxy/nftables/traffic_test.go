package nftables

import (
	"context"
	"testing"

	"keel.dev/keel/pkg/proxy/proxytest"
)

// TestTrafficIsBalancedInRealNamespace sends real TCP connections through
// the programmed rules inside a private network namespace.
func TestTrafficIsBalancedInRealNamespace(t *testing.T) {
	for _, cascade := range []bool{false, true} {
		name := "endpoints picked by a numgen verdict map"
		if cascade {
			name = "endpoints picked by a numgen cascade"
		}
		t.Run(name, func(t *testing.T) {
			cfg := testConfig()
			cfg.CascadeBalancing = cascade
			trafficTest(t, cfg)
		})
	}
}

func trafficTest(t *testing.T, cfg Config) {
	prefix := proxytest.NetNS(t, "nft")
	proxytest.Backends(t, prefix, "192.168.77.1", 8080, "10.244.1.1", "10.244.1.2", "10.244.1.3", "10.244.1.4", "10.244.1.5")
	c := proxytest.Table()
	tr, res := proxytest.Load(c)
	b := NewBackend(cfg, &ExecRunner{Prefix: prefix})
	ctx := context.Background()
	if _, err := b.Sync(ctx, res, nil); err != nil {
		t.Fatalf("full sync: %v", err)
	}
	cases := []struct {
		name string
		addr string
		want []string
	}{
		{name: "a cluster IP spreads connections over its three endpoints", addr: "10.96.0.10:80",
			want: []string{"10.244.1.1", "10.244.1.2", "10.244.1.3"}},
		{name: "a node port on the node address reaches the service's endpoints", addr: "192.168.77.1:30080",
			want: []string{"10.244.1.4", "10.244.1.5"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			hits := proxytest.Hits(t, prefix, tc.addr, 60)
			for _, w := range tc.want {
				if hits[w] == 0 {
					t.Errorf("endpoint %s got no connections: %v", w, hits)
				}
			}
			if len(hits) != len(tc.want) {
				t.Errorf("connections reached %v, want only %v", hits, tc.want)
			}
		})
	}
	t.Run("a removed endpoint stops receiving connections", func(t *testing.T) {
		for _, s := range c.Slices {
			if s.Name == "web-abc" {
				n := s.DeepCopy()
				n.Endpoints = n.Endpoints[:2]
				tr.OnEndpointSliceUpdate(s, n)
			}
		}
		res := tr.Update()
		if _, err := b.Sync(ctx, res, res.Changed); err != nil {
			t.Fatalf("partial sync: %v", err)
		}
		if hits := proxytest.Hits(t, prefix, "10.96.0.10:80", 40); hits["10.244.1.3"] != 0 || len(hits) != 2 {
			t.Errorf("hits after removal = %v, want only 10.244.1.1 and 10.244.1.2", hits)
		}
	})
}
