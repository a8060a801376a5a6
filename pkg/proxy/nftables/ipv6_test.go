package nftables

import (
	"context"
	"net/netip"
	"strings"
	"testing"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/keel/pkg/proxy/proxytest"
)

func TestGenerateIPv6UsesTheIP6Table(t *testing.T) {
	_, res := proxytest.LoadFamily(proxytest.IPv6(), corev1.IPv6Protocol)
	cfg := Config{Family: corev1.IPv6Protocol, ClusterCIDR: netip.MustParsePrefix("fd00:244::/64")}
	out := NewGenerator(cfg).Generate(res.Services, res.Endpoints, nil)
	proxytest.Golden(t, "full-ipv6", out.Data)
	data := string(out.Data)
	if strings.Contains(data, "10.96.6.1") || strings.Contains(data, "10.244.6.1") {
		t.Errorf("IPv6 script holds IPv4 addresses:\n%s", data)
	}
	for _, want := range []string{"add table ip6 keel", "fd00:96::1 . tcp . 80", "dnat to [fd00:244::2]:8080"} {
		if !strings.Contains(data, want) {
			t.Errorf("IPv6 script lacks %q", want)
		}
	}
}

func TestIPv6RulesLoadIntoRealNamespace(t *testing.T) {
	prefix := proxytest.NetNS(t, "nft")
	_, res := proxytest.LoadFamily(proxytest.IPv6(), corev1.IPv6Protocol)
	r := &ExecRunner{Prefix: prefix}
	b := NewBackend(Config{Family: corev1.IPv6Protocol, ClusterCIDR: netip.MustParsePrefix("fd00:244::/64")}, r)
	if _, err := b.Sync(context.Background(), res, nil); err != nil {
		t.Fatalf("full sync: %v", err)
	}
	out, err := r.List(context.Background(), "ip6 keel")
	if err != nil || !strings.Contains(string(out), "fd00:244::2") {
		t.Errorf("ip6 keel table not loaded (%v):\n%s", err, out)
	}
}
