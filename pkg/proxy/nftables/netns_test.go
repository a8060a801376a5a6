package nftables

import (
	"context"
	"strings"
	"testing"

	"keel.dev/keel/pkg/proxy/proxytest"
)

// TestRulesLoadIntoRealNamespace applies the generated script with the real
// nft inside a private network namespace.
func TestRulesLoadIntoRealNamespace(t *testing.T) {
	prefix := proxytest.NetNS(t, "nft")
	ctx := context.Background()
	r := &ExecRunner{Prefix: prefix}
	c := proxytest.Table()
	tr, res := proxytest.Load(c)
	b := NewBackend(testConfig(), r)

	if _, err := b.Sync(ctx, res, nil); err != nil {
		t.Fatalf("full sync: %v", err)
	}
	table := list(t, r)
	for _, want := range []string{"map service-ips", "10.96.0.10 . tcp . 80 : goto service-MI3V6X7S-ns1/web/tcp/http",
		"dnat to 10.244.1.3:8080", "10.96.0.12 . tcp . 80 : goto reject-chain", "numgen random mod 3"} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}

	res = changeWebAndDeleteSticky(tr, c)
	if _, err := b.Sync(ctx, res, res.Changed); err != nil {
		t.Fatalf("partial sync: %v", err)
	}
	table = list(t, r)
	if strings.Contains(table, "10.244.1.3") || strings.Contains(table, "ns1/sticky") {
		t.Errorf("removed endpoint or service still programmed:\n%s", table)
	}
	if !strings.Contains(table, "dnat to 10.244.2.7:5353") {
		t.Errorf("unchanged service lost its rules:\n%s", table)
	}
	if _, err := b.Sync(ctx, res, nil); err != nil {
		t.Fatalf("second full sync: %v", err)
	}

	if err := b.Cleanup(ctx); err != nil {
		t.Fatalf("cleanup: %v", err)
	}
	if _, err := r.List(ctx, "ip keel"); err == nil {
		t.Errorf("table ip keel still exists after cleanup")
	}
	if err := b.Cleanup(ctx); err != nil {
		t.Errorf("second cleanup without a table: %v", err)
	}
}

func list(t *testing.T, r *ExecRunner) string {
	t.Helper()
	out, err := r.List(context.Background(), "ip keel")
	if err != nil {
		t.Fatalf("nft list: %v", err)
	}
	return string(out)
}
