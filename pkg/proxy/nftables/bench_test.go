package nftables

import (
	"context"
	"fmt"
	"os"
	"testing"

	"keel.dev/keel/pkg/proxy/proxytest"
)

// BenchmarkFullSync measures generating a full script for N services with
// 5 endpoints each and reports its rule and element count.
func BenchmarkFullSync(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("services=%d", n), func(b *testing.B) {
			_, res := proxytest.Load(proxytest.Scale(n, 5))
			g := NewGenerator(testConfig())
			var out *Output
			for b.Loop() {
				out = g.Generate(res.Services, res.Endpoints, nil)
			}
			b.ReportMetric(float64(out.Rules), "rules")
			b.ReportMetric(float64(len(out.Data)), "bytes")
		})
	}
}

// BenchmarkPartialSyncOneEndpoint measures a one-endpoint change at 10k
// services: tracker update plus generation of the partial script.
func BenchmarkPartialSyncOneEndpoint(b *testing.B) {
	c := proxytest.Scale(10000, 5)
	tr, res := proxytest.Load(c)
	g := NewGenerator(testConfig())
	g.Commit(g.Generate(res.Services, res.Endpoints, nil))
	f := proxytest.NewFlipper(tr, c)
	var out *Output
	for b.Loop() {
		res := f.Flip()
		out = g.Generate(res.Services, res.Endpoints, res.Changed)
		g.Commit(out)
	}
	b.ReportMetric(float64(out.ChangedChains), "chains")
	b.ReportMetric(float64(len(out.Data)), "bytes")
}

// BenchmarkApply measures applying syncs with the real nft in a private
// network namespace (root only).
func BenchmarkApply(b *testing.B) {
	prefix := proxytest.NetNS(b, "nft")
	ctx := context.Background()
	r := &ExecRunner{Prefix: prefix}
	cfg := testConfig()
	cfg.CascadeBalancing = os.Getenv("KEEL_NFT_CASCADE") != ""
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("full/services=%d", n), func(b *testing.B) {
			_, res := proxytest.Load(proxytest.Scale(n, 5))
			be := NewBackend(cfg, r)
			for b.Loop() {
				if _, err := be.Sync(ctx, res, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("partial-one-endpoint/services=10000", func(b *testing.B) {
		c := proxytest.Scale(10000, 5)
		tr, res := proxytest.Load(c)
		be := NewBackend(cfg, r)
		if _, err := be.Sync(ctx, res, nil); err != nil {
			b.Fatal(err)
		}
		f := proxytest.NewFlipper(tr, c)
		for b.Loop() {
			res := f.Flip()
			if _, err := be.Sync(ctx, res, res.Changed); err != nil {
				b.Fatal(err)
			}
		}
	})
	if err := r.Apply(ctx, CleanupScript(testConfig())); err != nil {
		b.Fatal(err)
	}
}
