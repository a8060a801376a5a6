package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
	discoveryv1 "keel.dev/api/discovery/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/client/fake"
	"keel.dev/keel/pkg/proxy/conntrack"
	"keel.dev/keel/pkg/proxy/iptables"
	"keel.dev/keel/pkg/proxy/nftables"
	"keel.dev/keel/pkg/proxy/proxytest"
)

// harness runs the app against a fake clientset and fake runners.
type harness struct {
	t    *testing.T
	cs   *fake.Clientset
	ipt  *iptables.FakeRunner
	nft  *lockedNFT
	st   *Started
	done chan error
}

func startApp(t *testing.T, mode string, objs ...any) *harness {
	t.Helper()
	h := &harness{t: t, cs: fake.NewClientset(), ipt: &iptables.FakeRunner{}, nft: &lockedNFT{}, done: make(chan error, 1)}
	node := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: proxytest.NodeName}}
	if _, err := h.cs.CoreV1().Nodes().Create(context.Background(), node, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, o := range objs {
		h.create(o)
	}
	started := make(chan *Started, 1)
	cfg := &Config{
		Client: h.cs.Clientset, NodeName: proxytest.NodeName, Mode: mode, Family: corev1.IPv4Protocol,
		SyncPeriod: time.Minute, HealthzAddress: "127.0.0.1:0", MetricsAddress: "127.0.0.1:0",
		IPTablesRunner: h.ipt, NFTRunner: h.nft, ConntrackExec: &conntrack.FakeExec{},
		Logger:  slog.New(slog.NewTextHandler(io.Discard, nil)),
		Started: func(s *Started) { started <- s },
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { h.done <- Run(ctx, cfg) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-h.done:
			if err != nil {
				t.Errorf("Run returned %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("Run did not return after cancel")
		}
	})
	select {
	case h.st = <-started:
	case err := <-h.done:
		t.Fatalf("Run ended before starting: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("proxy did not start")
	}
	return h
}

func (h *harness) create(o any) {
	h.t.Helper()
	ctx := context.Background()
	var err error
	switch o := o.(type) {
	case *corev1.Service:
		_, err = h.cs.CoreV1().Services(o.Namespace).Create(ctx, o, metav1.CreateOptions{})
	case *discoveryv1.EndpointSlice:
		_, err = h.cs.DiscoveryV1().EndpointSlices(o.Namespace).Create(ctx, o, metav1.CreateOptions{})
	default:
		h.t.Fatalf("unexpected object %T", o)
	}
	if err != nil {
		h.t.Fatal(err)
	}
}

// applied returns everything the fake runner of mode received, in order.
func (h *harness) applied(mode string) []string {
	var out []string
	if mode == ModeNFTables {
		h.nft.mu.Lock()
		defer h.nft.mu.Unlock()
		for _, s := range h.nft.Scripts {
			out = append(out, string(s))
		}
		return out
	}
	h.ipt.Lock()
	defer h.ipt.Unlock()
	for _, r := range h.ipt.Restores {
		out = append(out, string(r))
	}
	return out
}

// waitFor polls until cond holds for the applied data or fails the test.
func (h *harness) waitFor(mode, what string, cond func(all []string) bool) {
	h.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if cond(h.applied(mode)) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	h.t.Fatalf("timed out waiting for %s; applied:\n%s", what, strings.Join(h.applied(mode), "\n----\n"))
}

func webService() *corev1.Service {
	return proxytest.Service("default", "web", corev1.ServiceTypeClusterIP, "10.96.0.10", proxytest.Port("http", corev1.ProtocolTCP, 80, 0))
}

func webSlice() *discoveryv1.EndpointSlice {
	return proxytest.Slice("default", "web", "web-1", []discoveryv1.EndpointPort{proxytest.SlicePort("http", corev1.ProtocolTCP, 8080)},
		proxytest.EP{IP: "10.244.1.5", Node: proxytest.NodeName})
}

func anyContains(sub string) func([]string) bool {
	return func(all []string) bool {
		for _, a := range all {
			if strings.Contains(a, sub) {
				return true
			}
		}
		return false
	}
}

func TestIPTablesRulesFollowServices(t *testing.T) {
	h := startApp(t, ModeIPTables)
	h.waitFor(ModeIPTables, "the initial full sync", func(all []string) bool { return len(all) > 0 })

	h.create(webService())
	h.create(webSlice())
	h.waitFor(ModeIPTables, "rules of the new service", anyContains("10.244.1.5:8080"))
	all := h.applied(ModeIPTables)
	var svcChain string
	for _, a := range all {
		if m := regexp.MustCompile(`-d 10\.96\.0\.10/32 .*-j (KEEL-SVC-\w+)`).FindStringSubmatch(a); m != nil {
			svcChain = m[1]
		}
	}
	if svcChain == "" {
		t.Fatalf("no cluster IP jump to a KEEL-SVC chain in:\n%s", strings.Join(all, "\n----\n"))
	}
	h.ipt.Lock()
	ensured := strings.Join(h.ipt.Ensured, "\n")
	h.ipt.Unlock()
	if !strings.Contains(ensured, "nat PREROUTING") || !strings.Contains(ensured, "KEEL-SERVICES") {
		t.Errorf("the KEEL-SERVICES hooks were not installed; ensured:\n%s", ensured)
	}

	if err := h.cs.CoreV1().Services("default").Delete(context.Background(), "web", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	h.waitFor(ModeIPTables, "removal of "+svcChain, anyContains("-X "+svcChain+"\n"))
}

func TestNFTablesRulesFollowServices(t *testing.T) {
	h := startApp(t, ModeNFTables, webService(), webSlice())
	h.waitFor(ModeNFTables, "the endpoint of the existing service", anyContains("dnat to 10.244.1.5:8080"))
	h.waitFor(ModeNFTables, "the cluster IP in the service map", anyContains("add element ip keel service-ips { 10.96.0.10 . tcp . 80 :"))
	if err := h.cs.DiscoveryV1().EndpointSlices("default").Delete(context.Background(), "web-1", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := h.cs.CoreV1().Services("default").Delete(context.Background(), "web", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	h.waitFor(ModeNFTables, "removal of the service", func(all []string) bool {
		last := strings.Join(all, "\n")
		return strings.Contains(last, "delete element ip keel service-ips { 10.96.0.10 . tcp . 80 }") &&
			regexp.MustCompile(`delete chain ip keel service-\w+-default/web/tcp/http\n`).MatchString(last)
	})
}

func TestSkippedInputBecomesAnEvent(t *testing.T) {
	bad := proxytest.Slice("default", "web", "web-bad", []discoveryv1.EndpointPort{proxytest.SlicePort("http", corev1.ProtocolTCP, 8080)},
		proxytest.EP{IP: "not-an-ip"})
	h := startApp(t, ModeIPTables, webService(), webSlice(), bad)
	h.waitFor(ModeIPTables, "the good endpoint despite the bad slice", anyContains("10.244.1.5:8080"))
	deadline := time.Now().Add(10 * time.Second)
	for {
		evs, err := h.cs.CoreV1().Events("default").List(context.Background(), metav1.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range evs.Items {
			if ev.Reason == eventReason && ev.InvolvedObject.Kind == "EndpointSlice" && ev.InvolvedObject.Name == "web-bad" &&
				ev.Type == corev1.EventTypeWarning && strings.Contains(ev.Message, "not-an-ip") {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s event about EndpointSlice web-bad; events: %+v", eventReason, evs.Items)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestHealthzAndMetricsAreServed(t *testing.T) {
	h := startApp(t, ModeIPTables, webService(), webSlice())
	h.waitFor(ModeIPTables, "the first sync", anyContains("10.244.1.5:8080"))
	get := func(url string) (int, string) {
		t.Helper()
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	t.Run("healthz reports healthy and node-eligible after a sync", func(t *testing.T) {
		code, body := get("http://" + h.st.HealthzAddr + "/healthz")
		var st struct{ NodeEligible bool }
		if code != http.StatusOK || json.Unmarshal([]byte(body), &st) != nil || !st.NodeEligible {
			t.Errorf("/healthz = %d %s", code, body)
		}
	})
	t.Run("metrics expose the sync duration", func(t *testing.T) {
		code, body := get("http://" + h.st.MetricsAddr + "/metrics")
		if code != http.StatusOK || !strings.Contains(body, "kubeproxy_sync_proxy_rules_duration_seconds") {
			t.Errorf("/metrics = %d, body lacks the sync duration:\n%s", code, body)
		}
	})
	t.Run("healthz reports a node being deleted as ineligible", func(t *testing.T) {
		ctx := context.Background()
		n, err := h.cs.CoreV1().Nodes().Get(ctx, proxytest.NodeName, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		now := metav1.Now()
		n.DeletionTimestamp = &now
		n.Finalizers = []string{"test/hold"}
		if _, err := h.cs.CoreV1().Nodes().Update(ctx, n, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(10 * time.Second)
		for {
			code, body := get("http://" + h.st.HealthzAddr + "/healthz")
			if code == http.StatusServiceUnavailable && strings.Contains(body, `"nodeEligible":false`) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("/healthz = %d %s, want 503 with nodeEligible false", code, body)
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
}

func TestCleanupRemovesBothModes(t *testing.T) {
	ipt := &iptables.FakeRunner{SaveData: map[string][]byte{
		"nat": []byte("*nat\n:PREROUTING ACCEPT [0:0]\n:KEEL-SERVICES - [0:0]\n" +
			"-A PREROUTING -m comment --comment \"keel service portals\" -j KEEL-SERVICES\nCOMMIT\n"),
		"filter": []byte("*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n"),
	}}
	nft := &nftables.FakeRunner{}
	cfg := &Config{Cleanup: true, IPTablesRunner: ipt, NFTRunner: nft, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if err := Run(context.Background(), cfg); err != nil {
		t.Fatalf("cleanup: %v", err)
	}
	if len(ipt.Restores) != 1 || !bytes.Contains(ipt.Restores[0], []byte("-X KEEL-SERVICES")) ||
		!bytes.Contains(ipt.Restores[0], []byte("-D PREROUTING")) {
		t.Errorf("iptables cleanup input = %q, want the hook and chain removed", ipt.Restores)
	}
	got := ""
	for _, s := range nft.Scripts {
		got += string(s)
	}
	for _, want := range []string{"delete table ip keel", "delete table ip6 keel"} {
		if !strings.Contains(got, want) {
			t.Errorf("nft cleanup scripts lack %q:\n%s", want, got)
		}
	}
}

func TestPrimaryNodePortAddresses(t *testing.T) {
	node := &corev1.Node{Status: corev1.NodeStatus{Addresses: []corev1.NodeAddress{
		{Type: corev1.NodeHostName, Address: "node-a"},
		{Type: corev1.NodeInternalIP, Address: "192.168.1.10"},
		{Type: corev1.NodeInternalIP, Address: "fd00::10"},
		{Type: corev1.NodeExternalIP, Address: "203.0.113.5"},
	}}}
	cases := []struct {
		family corev1.IPFamily
		want   string
	}{
		{corev1.IPv4Protocol, "[192.168.1.10/32]"},
		{corev1.IPv6Protocol, "[fd00::10/128]"},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("the %s internal IPs are chosen", tc.family), func(t *testing.T) {
			if got := fmt.Sprint(primaryPrefixes(node, tc.family)); got != tc.want {
				t.Errorf("primaryPrefixes = %s, want %s", got, tc.want)
			}
		})
	}
}

// lockedNFT is an nftables.Runner recording scripts under a lock, so the
// test can read them while the proxy runs.
type lockedNFT struct {
	mu sync.Mutex
	nftables.FakeRunner
}

// Apply implements nftables.Runner.
func (l *lockedNFT) Apply(ctx context.Context, script []byte) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.FakeRunner.Apply(ctx, script)
}
