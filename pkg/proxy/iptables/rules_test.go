package iptables

import (
	"net/netip"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/keel/pkg/proxy/model"
	"strings"
	"testing"

	"keel.dev/apimachinery/pkg/types"
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
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, res := proxytest.Load(proxytest.Table())
			g := NewGenerator(tc.cfg)
			out := g.Generate(res.Services, res.Endpoints, nil, []string{"KEEL-SERVICES", "KEEL-SVC-LEFTOVER0000000"})
			proxytest.Golden(t, tc.golden, out.Data)
			if out.NATRules == 0 || out.FilterRules == 0 {
				t.Errorf("rule counts = nat %d filter %d, want both > 0", out.NATRules, out.FilterRules)
			}
		})
	}
}

func TestGenerateIncrementalSyncRewritesOnlyChangedChains(t *testing.T) {
	c := proxytest.Table()
	tr, res := proxytest.Load(c)
	g := NewGenerator(testConfig())
	full := g.Generate(res.Services, res.Endpoints, nil, nil)
	g.Commit(full)

	// Drop one endpoint of ns1/web and delete ns1/sticky.
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
	res = tr.Update()
	want := map[types.NamespacedName]struct{}{{Namespace: "ns1", Name: "web"}: {}, {Namespace: "ns1", Name: "sticky"}: {}}
	if len(res.Changed) != len(want) {
		t.Fatalf("changed = %v, want %v", res.Changed, want)
	}
	out := g.Generate(res.Services, res.Endpoints, res.Changed, nil)
	proxytest.Golden(t, "partial", out.Data)
	g.Commit(out)
	data := string(out.Data)
	for _, line := range strings.Split(data, "\n") {
		perService := false
		for _, k := range []string{"SVC", "SVL", "EXT", "SEP"} {
			perService = perService || strings.HasPrefix(line, "-A KEEL-"+k+"-")
		}
		if perService && !strings.Contains(line, "ns1/web") {
			t.Errorf("partial sync rewrote a chain of an unchanged service: %s", line)
		}
	}
	sep := chainName("SEP", spnOf("ns1", "web", "http"), "10.244.1.3:8080")
	if !strings.Contains(data, "-X "+sep+"\n") {
		t.Errorf("partial sync did not delete the removed endpoint's chain %s:\n%s", sep, data)
	}
	if full.NATRules-out.NATRules <= 0 {
		t.Errorf("nat rule count after removal = %d, want fewer than %d", out.NATRules, full.NATRules)
	}
	if out.ChangedChains >= full.ChangedChains {
		t.Errorf("partial sync rewrote %d chains, full rewrote %d", out.ChangedChains, full.ChangedChains)
	}
}

func spnOf(ns, name, port string) model.ServicePortName {
	return model.ServicePortName{NamespacedName: types.NamespacedName{Namespace: ns, Name: name}, Port: port, Protocol: corev1.ProtocolTCP}
}
