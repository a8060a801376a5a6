package nftables

import (
	"net/netip"
	"strings"
	"testing"

	"keel.dev/apimachinery/pkg/types"
	"keel.dev/keel/pkg/proxy/model"
	"keel.dev/keel/pkg/proxy/proxytest"
)

func testConfig() Config {
	return Config{ClusterCIDR: netip.MustParsePrefix(proxytest.ClusterCIDR)}
}

func TestGenerateFullSyncMatchesGolden(t *testing.T) {
	cases := []struct {
		name   string
		cfg    Config
		golden string
	}{
		{name: "all local addresses serve node ports", cfg: testConfig(), golden: "full"},
		{name: "node ports limited to given ranges and all traffic masqueraded", cfg: Config{
			MasqueradeAll:     true,
			NodePortAddresses: []netip.Prefix{netip.MustParsePrefix("192.168.1.0/24")},
		}, golden: "full-nodeport-addresses"},
		{name: "cascade balancing replaces the per-service verdict maps", cfg: Config{
			ClusterCIDR:      netip.MustParsePrefix(proxytest.ClusterCIDR),
			CascadeBalancing: true,
		}, golden: "full-cascade"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, res := proxytest.Load(proxytest.Table())
			out := NewGenerator(tc.cfg).Generate(res.Services, res.Endpoints, nil)
			proxytest.Golden(t, tc.golden, out.Data)
			if out.Rules == 0 {
				t.Errorf("rule count = 0, want > 0")
			}
		})
	}
}

// changeWebAndDeleteSticky drops one endpoint of ns1/web and deletes ns1/sticky.
func changeWebAndDeleteSticky(tr *model.Tracker, c proxytest.Case) *model.Result {
	for _, s := range c.Slices {
		if s.Name == "web-abc" {
			n := s.DeepCopy()
			n.Endpoints = n.Endpoints[:2]
			tr.OnEndpointSliceUpdate(s, n)
		}
	}
	for _, s := range c.Services {
		if s.Name == "sticky" {
			tr.OnServiceUpdate(s, nil)
		}
	}
	return tr.Update()
}

func TestGenerateIncrementalSyncReplacesOnlyChangedServices(t *testing.T) {
	c := proxytest.Table()
	tr, res := proxytest.Load(c)
	g := NewGenerator(testConfig())
	full := g.Generate(res.Services, res.Endpoints, nil)
	g.Commit(full)

	res = changeWebAndDeleteSticky(tr, c)
	want := map[types.NamespacedName]struct{}{{Namespace: "ns1", Name: "web"}: {}, {Namespace: "ns1", Name: "sticky"}: {}}
	if len(res.Changed) != len(want) {
		t.Fatalf("changed = %v, want %v", res.Changed, want)
	}
	out := g.Generate(res.Services, res.Endpoints, res.Changed)
	proxytest.Golden(t, "partial", out.Data)
	g.Commit(out)
	data := string(out.Data)
	for _, line := range strings.Split(strings.TrimSpace(data), "\n") {
		if !strings.Contains(line, "ns1/web") && !strings.Contains(line, "ns1/sticky") && !strings.Contains(line, "10.96.0.1") {
			t.Errorf("partial sync touched something other than the changed services: %s", line)
		}
	}
	if strings.Contains(data, "delete table") {
		t.Errorf("partial sync recreated the table")
	}
	if !strings.Contains(data, "delete chain ip keel endpoint-") || !strings.Contains(data, "__10.244.1.3/8080") {
		t.Errorf("partial sync did not delete the removed endpoint's chain:\n%s", data)
	}
	if out.Rules >= full.Rules {
		t.Errorf("rule count after removal = %d, want fewer than %d", out.Rules, full.Rules)
	}
	// A further partial sync without changes writes nothing.
	if empty := g.Generate(res.Services, res.Endpoints, map[types.NamespacedName]struct{}{}); len(empty.Data) != 0 {
		t.Errorf("no-op partial sync wrote:\n%s", empty.Data)
	}
}

func TestCleanupScriptDeletesOnlyTheProxyTable(t *testing.T) {
	cases := []struct {
		name string
		cfg  Config
		want string
	}{
		{name: "IPv4 deletes ip keel", cfg: Config{}, want: "add table ip keel\ndelete table ip keel\n"},
		{name: "IPv6 deletes ip6 keel", cfg: Config{Family: "IPv6"}, want: "add table ip6 keel\ndelete table ip6 keel\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(CleanupScript(tc.cfg)); got != tc.want {
				t.Errorf("CleanupScript = %q, want %q", got, tc.want)
			}
		})
	}
}
