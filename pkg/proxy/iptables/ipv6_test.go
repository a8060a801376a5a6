package iptables

import (
	"context"
	"net/netip"
	"strings"
	"testing"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/keel/pkg/proxy/proxytest"
)

func TestGenerateIPv6UsesHostPrefixes(t *testing.T) {
	_, res := proxytest.LoadFamily(proxytest.IPv6(), corev1.IPv6Protocol)
	cfg := Config{Family: corev1.IPv6Protocol, ClusterCIDR: netip.MustParsePrefix("fd00:244::/64")}
	out := NewGenerator(cfg).Generate(res.Services, res.Endpoints, nil, nil)
	data := string(out.Data)
	for _, want := range []string{"-d fd00:96::1/128 --dport 80", "--to-destination [fd00:244::1]:8080", "! -s fd00:244::/64"} {
		if !strings.Contains(data, want) {
			t.Errorf("IPv6 rules lack %q:\n%s", want, data)
		}
	}
	if strings.Contains(data, "10.96.6.1") {
		t.Errorf("IPv6 rules hold the IPv4 cluster IP")
	}
	if got := (&ExecRunner{Family: corev1.IPv6Protocol, Variant: "legacy"}).bin("iptables-restore"); got != "ip6tables-legacy-restore" {
		t.Errorf("IPv6 legacy restore binary = %q", got)
	}
}

func TestIPv6RulesLoadIntoRealNamespace(t *testing.T) {
	prefix := proxytest.NetNS(t, "ip6tables", "ip6tables-restore", "ip6tables-save")
	_, res := proxytest.LoadFamily(proxytest.IPv6(), corev1.IPv6Protocol)
	r := &ExecRunner{Family: corev1.IPv6Protocol, Prefix: prefix}
	b := NewBackend(Config{Family: corev1.IPv6Protocol, ClusterCIDR: netip.MustParsePrefix("fd00:244::/64")}, r)
	if _, err := b.Sync(context.Background(), res, nil); err != nil {
		t.Fatalf("full sync: %v", err)
	}
	if nat := saveTable(t, r, "nat"); !strings.Contains(nat, "[fd00:244::2]:8080") {
		t.Errorf("ip6tables nat table lacks the endpoint DNAT:\n%s", nat)
	}
	if err := b.Cleanup(context.Background()); err != nil {
		t.Fatalf("cleanup: %v", err)
	}
}
