package proxy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
	discoveryv1 "keel.dev/api/discovery/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/client/kubeconfig"
	"keel.dev/client/typed"
	"keel.dev/keel/pkg/proxy/app"
	"keel.dev/keel/pkg/proxy/proxytest"
	"keel.dev/keel/test/integration/framework"
)

const (
	nodeIP    = "192.168.77.1"
	clusterIP = "10.96.0.50"
	nodePort  = 30080
)

var endpoints = []string{"10.244.1.1", "10.244.1.2"}

// TestServiceTrafficThroughTheApp runs the proxy app against a real
// apiserver and sends TCP connections to a Service inside a private
// network namespace, in both modes.
func TestServiceTrafficThroughTheApp(t *testing.T) {
	cases := []struct {
		name, mode, variant string
		bins                []string
	}{
		{name: "iptables mode routes a Service's cluster IP and node port", mode: app.ModeIPTables,
			bins: []string{"iptables", "iptables-restore", "iptables-save", "conntrack", "nft"}},
		{name: "iptables mode with the legacy binaries routes a Service's cluster IP and node port", mode: app.ModeIPTables,
			variant: "legacy", bins: []string{"iptables-legacy", "iptables-legacy-restore", "iptables-legacy-save", "conntrack", "nft"}},
		{name: "nftables mode routes a Service's cluster IP and node port", mode: app.ModeNFTables,
			bins: []string{"nft", "iptables-save", "conntrack"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			prefix := proxytest.NetNS(t, tc.bins...)
			proxytest.Backends(t, prefix, nodeIP, 8080, endpoints...)
			testMode(t, tc.mode, tc.variant, prefix)
		})
	}
}

func testMode(t *testing.T, mode, variant string, prefix []string) {
	s := framework.StartTestServer(t)
	rc, err := kubeconfig.BuildConfig(s.Kubeconfig, kubeconfig.Overrides{})
	if err != nil {
		t.Fatal(err)
	}
	rc.QPS = -1
	cs, err := typed.NewForConfig(rc)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	node := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: proxytest.NodeName},
		Status: corev1.NodeStatus{Addresses: []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: nodeIP}}}}
	if _, err := cs.CoreV1().Nodes().Create(ctx, node, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}

	cfg := &app.Config{
		REST: rc, NodeName: proxytest.NodeName, Mode: mode, IPTablesVariant: variant, Family: corev1.IPv4Protocol,
		MinSyncPeriod: 100 * time.Millisecond, SyncPeriod: 30 * time.Second,
		CommandPrefix: prefix, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	runCtx, cancel := context.WithCancel(ctx)
	started, done := make(chan struct{}), make(chan error, 1)
	cfg.Started = func(*app.Started) { close(started) }
	go func() { done <- app.Run(runCtx, cfg) }()
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("proxy: %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Error("proxy did not stop")
		}
	}
	t.Cleanup(stop)
	select {
	case <-started:
	case err := <-done:
		t.Fatalf("proxy failed to start: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("proxy did not start")
	}

	svc := proxytest.Service("default", "web", corev1.ServiceTypeNodePort, clusterIP,
		proxytest.Port("http", corev1.ProtocolTCP, 80, nodePort))
	svc.Spec.Ports[0].TargetPort.IntVal = 8080
	if _, err := cs.CoreV1().Services("default").Create(ctx, svc, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create service: %v", err)
	}
	var eps []proxytest.EP
	for _, ip := range endpoints {
		eps = append(eps, proxytest.EP{IP: ip, Node: proxytest.NodeName})
	}
	slice := proxytest.Slice("default", "web", "web-1",
		[]discoveryv1.EndpointPort{proxytest.SlicePort("http", corev1.ProtocolTCP, 8080)}, eps...)
	created, err := cs.DiscoveryV1().EndpointSlices("default").Create(ctx, slice, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create endpointslice: %v", err)
	}

	for _, addr := range []string{net.JoinHostPort(clusterIP, "80"), net.JoinHostPort(nodeIP, fmt.Sprint(nodePort))} {
		waitForHits(t, prefix, addr, "both endpoints answer", func(h map[string]int) bool {
			return len(h) == 2 && h[endpoints[0]] > 0 && h[endpoints[1]] > 0
		})
	}

	upd := created.DeepCopy()
	upd.Endpoints = upd.Endpoints[:1]
	if _, err := cs.DiscoveryV1().EndpointSlices("default").Update(ctx, upd, metav1.UpdateOptions{}); err != nil {
		t.Fatalf("update endpointslice: %v", err)
	}
	waitForHits(t, prefix, net.JoinHostPort(clusterIP, "80"), "only the remaining endpoint answers", func(h map[string]int) bool {
		return len(h) == 1 && h[endpoints[0]] > 0
	})

	if err := cs.CoreV1().Services("default").Delete(ctx, "web", metav1.DeleteOptions{}); err != nil {
		t.Fatalf("delete service: %v", err)
	}
	waitFor(t, "the deleted service to stop answering", func() bool {
		_, err := dialOnce(prefix, net.JoinHostPort(clusterIP, "80"), 300*time.Millisecond)
		return err != nil
	})

	stop()
	if err := app.Cleanup(ctx, &app.Config{CommandPrefix: prefix, Logger: cfg.Logger}); err != nil {
		t.Fatalf("cleanup: %v", err)
	}
	saves := [][]string{{"iptables-save"}, {"nft", "list", "ruleset"}}
	if variant == "legacy" {
		saves = append(saves, []string{"iptables-legacy-save"})
	}
	for _, argv := range saves {
		out, err := exec.Command(prefix[0], append(prefix[1:], argv...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v: %s", strings.Join(argv, " "), err, out)
		}
		if strings.Contains(string(out), "KEEL-") || strings.Contains(string(out), "table ip keel") {
			t.Errorf("%s still shows the proxy's rules after cleanup:\n%s", strings.Join(argv, " "), out)
		}
	}
}

// dialOnce connects to addr from inside the namespace and returns the
// name the backend answered with.
func dialOnce(prefix []string, addr string, timeout time.Duration) (string, error) {
	var got string
	err := proxytest.InNetNS(proxytest.NetNSName(prefix), func() error {
		c, err := net.DialTimeout("tcp", addr, timeout)
		if err != nil {
			return err
		}
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(timeout))
		b, err := io.ReadAll(c)
		if err != nil {
			return err
		}
		if len(b) == 0 {
			return errors.New("empty answer")
		}
		got = string(b)
		return nil
	})
	return got, err
}

// waitForHits dials addr in rounds of 30 connections until ok accepts the
// answers of one round.
func waitForHits(t *testing.T, prefix []string, addr, what string, ok func(map[string]int) bool) {
	t.Helper()
	var last map[string]int
	var lastErr error
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		last, lastErr = map[string]int{}, nil
		for range 30 {
			b, err := dialOnce(prefix, addr, time.Second)
			if err != nil {
				lastErr = err
				break
			}
			last[b]++
		}
		if lastErr == nil && ok(last) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s: %s never held; last round %v, error %v", addr, what, last, lastErr)
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
