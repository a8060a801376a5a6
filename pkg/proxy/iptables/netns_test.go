package iptables

import (
	"context"
	"strings"
	"testing"

	"keel.dev/keel/pkg/proxy/proxytest"
)

// TestRulesLoadIntoRealNamespace applies the generated rules with the real
// iptables-restore inside a private network namespace.
func TestRulesLoadIntoRealNamespace(t *testing.T) {
	prefix := proxytest.NetNS(t, "iptables", "iptables-restore", "iptables-save")
	ctx := context.Background()
	r := &ExecRunner{Prefix: prefix}
	c := proxytest.Table()
	tr, res := proxytest.Load(c)
	b := NewBackend(testConfig(), r)

	stats, err := b.Sync(ctx, res, nil)
	if err != nil {
		t.Fatalf("full sync: %v", err)
	}
	nat := saveTable(t, r, "nat")
	if got := strings.Count(nat, "\n-A KEEL-"); got != stats.Rules["nat"] {
		t.Errorf("nat table holds %d KEEL rules, generator counted %d:\n%s", got, stats.Rules["nat"], nat)
	}
	for _, want := range []string{"-A PREROUTING -m comment --comment \"keel service portals\" -j KEEL-SERVICES",
		"--to-destination 10.244.1.3:8080", "--probability 0.33333333349"} {
		if !strings.Contains(nat, want) {
			t.Errorf("nat table lacks %q:\n%s", want, nat)
		}
	}
	if filter := saveTable(t, r, "filter"); !strings.Contains(filter, "ns1/empty:http has no endpoints") {
		t.Errorf("filter table lacks the REJECT of the service without endpoints:\n%s", filter)
	}

	// A partial sync removing one endpoint drops its chain.
	for _, s := range c.Slices {
		if s.Name == "web-abc" {
			n := s.DeepCopy()
			n.Endpoints = n.Endpoints[:2]
			tr.OnEndpointSliceUpdate(s, n)
		}
	}
	res = tr.Update()
	if _, err := b.Sync(ctx, res, res.Changed); err != nil {
		t.Fatalf("partial sync: %v", err)
	}
	if nat := saveTable(t, r, "nat"); strings.Contains(nat, "10.244.1.3:8080") {
		t.Errorf("removed endpoint still programmed:\n%s", nat)
	}
	// A second full sync over existing state succeeds and is idempotent.
	if _, err := b.Sync(ctx, res, nil); err != nil {
		t.Fatalf("second full sync: %v", err)
	}
	if got := strings.Count(saveTable(t, r, "nat"), "keel service portals\" -j KEEL-SERVICES"); got != 2 {
		t.Errorf("nat hooks = %d after two full syncs, want 2 (PREROUTING, OUTPUT)", got)
	}

	if err := b.Cleanup(ctx); err != nil {
		t.Fatalf("cleanup: %v", err)
	}
	for _, table := range []string{"nat", "filter"} {
		if out := saveTable(t, r, table); strings.Contains(out, "KEEL-") {
			t.Errorf("%s table still holds KEEL rules after cleanup:\n%s", table, out)
		}
	}
}

func saveTable(t *testing.T, r *ExecRunner, table string) string {
	t.Helper()
	out, err := r.Save(context.Background(), table)
	if err != nil {
		t.Fatalf("iptables-save: %v", err)
	}
	return string(out)
}
