package proxy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
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
	udpClusterIP  = "10.96.0.53"
	udpPort       = 53
	udpTargetPort = 5353
)

// TestUDPServiceTrafficThroughTheApp runs the proxy app against a real
// apiserver and sends UDP datagrams to a Service's cluster IP inside a
// private network namespace, in every mode.
func TestUDPServiceTrafficThroughTheApp(t *testing.T) {
	cases := []struct {
		name, mode, variant string
		bins                []string
	}{
		{name: "iptables mode routes UDP to a Service's cluster IP", mode: app.ModeIPTables,
			bins: []string{"iptables", "iptables-restore", "iptables-save", "conntrack", "nft"}},
		{name: "iptables mode with the legacy binaries routes UDP to a Service's cluster IP", mode: app.ModeIPTables,
			variant: "legacy", bins: []string{"iptables-legacy", "iptables-legacy-restore", "iptables-legacy-save", "conntrack", "nft"}},
		{name: "nftables mode routes UDP to a Service's cluster IP", mode: app.ModeNFTables,
			bins: []string{"nft", "iptables-save", "conntrack"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			prefix := proxytest.NetNS(t, tc.bins...)
			// Backends assigns the addresses and route; its TCP servers go unused.
			proxytest.Backends(t, prefix, nodeIP, 8080, endpoints...)
			udpEchoServers(t, prefix, udpTargetPort, endpoints...)
			testUDPMode(t, tc.mode, tc.variant, prefix)
		})
	}
}

// udpEchoServers starts, inside the namespace, one UDP server per endpoint
// address that answers every datagram with its own address.
func udpEchoServers(t *testing.T, prefix []string, port int, eps ...string) {
	t.Helper()
	for _, ep := range eps {
		var pc net.PacketConn
		err := proxytest.InNetNS(proxytest.NetNSName(prefix), func() (err error) {
			pc, err = net.ListenPacket("udp4", net.JoinHostPort(ep, fmt.Sprint(port)))
			return err
		})
		if err != nil {
			t.Fatalf("listen udp on %s: %v", ep, err)
		}
		t.Cleanup(func() { pc.Close() })
		go func() {
			buf := make([]byte, 512)
			for {
				_, from, err := pc.ReadFrom(buf)
				if err != nil {
					return
				}
				_, _ = pc.WriteTo([]byte(ep), from)
			}
		}()
	}
}

func testUDPMode(t *testing.T, mode, variant string, prefix []string) {
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
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("proxy: %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Error("proxy did not stop")
		}
		if err := app.Cleanup(ctx, &app.Config{CommandPrefix: prefix, Logger: cfg.Logger}); err != nil {
			t.Errorf("cleanup: %v", err)
		}
	})
	select {
	case <-started:
	case err := <-done:
		t.Fatalf("proxy failed to start: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("proxy did not start")
	}

	svc := proxytest.Service("default", "dns", corev1.ServiceTypeClusterIP, udpClusterIP,
		proxytest.Port("dns", corev1.ProtocolUDP, udpPort, 0))
	svc.Spec.Ports[0].TargetPort.IntVal = udpTargetPort
	if _, err := cs.CoreV1().Services("default").Create(ctx, svc, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create service: %v", err)
	}
	var eps []proxytest.EP
	for _, ip := range endpoints {
		eps = append(eps, proxytest.EP{IP: ip, Node: proxytest.NodeName})
	}
	slice := proxytest.Slice("default", "dns", "dns-1",
		[]discoveryv1.EndpointPort{proxytest.SlicePort("dns", corev1.ProtocolUDP, udpTargetPort)}, eps...)
	created, err := cs.DiscoveryV1().EndpointSlices("default").Create(ctx, slice, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create endpointslice: %v", err)
	}

	addr := net.JoinHostPort(udpClusterIP, fmt.Sprint(udpPort))
	waitForUDPHits(t, prefix, addr, "both endpoints answer", func(h map[string]int) bool {
		return len(h) == 2 && h[endpoints[0]] > 0 && h[endpoints[1]] > 0
	})

	// A long-lived socket whose flow goes to the endpoint about to be
	// removed: its conntrack entry must be flushed for it to move over.
	stale := stickyUDPConn(t, prefix, addr, endpoints[1])

	upd := created.DeepCopy()
	upd.Endpoints = upd.Endpoints[:1]
	if _, err := cs.DiscoveryV1().EndpointSlices("default").Update(ctx, upd, metav1.UpdateOptions{}); err != nil {
		t.Fatalf("update endpointslice: %v", err)
	}
	waitForUDPHits(t, prefix, addr, "only the remaining endpoint answers", func(h map[string]int) bool {
		return len(h) == 1 && h[endpoints[0]] > 0
	})
	var got string
	var lastErr error
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		got, lastErr = udpExchange(stale, 300*time.Millisecond)
		if lastErr == nil && got == endpoints[0] {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("a socket with a stale conntrack entry never moved to %s; last answer %q, error %v", endpoints[0], got, lastErr)
}

// stickyUDPConn opens sockets inside the namespace until one's flow to addr
// is answered by want, and returns it open.
func stickyUDPConn(t *testing.T, prefix []string, addr, want string) net.Conn {
	t.Helper()
	var last string
	for range 40 {
		var c net.Conn
		err := proxytest.InNetNS(proxytest.NetNSName(prefix), func() (err error) {
			c, err = net.Dial("udp4", addr)
			return err
		})
		if err != nil {
			t.Fatalf("dial %s: %v", addr, err)
		}
		got, err := udpExchange(c, 500*time.Millisecond)
		if err == nil && got == want {
			t.Cleanup(func() { c.Close() })
			return c
		}
		last = got
		c.Close()
	}
	t.Fatalf("no socket's flow to %s reached %s in 40 tries; last answer %q", addr, want, last)
	return nil
}

// udpExchange sends one datagram on c and returns the answer.
func udpExchange(c net.Conn, timeout time.Duration) (string, error) {
	_ = c.SetDeadline(time.Now().Add(timeout))
	if _, err := c.Write([]byte("ping")); err != nil {
		return "", err
	}
	buf := make([]byte, 512)
	n, err := c.Read(buf)
	if err != nil {
		return "", err
	}
	if n == 0 {
		return "", errors.New("empty answer")
	}
	return string(buf[:n]), nil
}

// udpOnce sends one datagram to addr from a fresh socket (so a fresh source
// port) inside the namespace and returns the address the backend answered with.
func udpOnce(prefix []string, addr string, timeout time.Duration) (string, error) {
	var got string
	err := proxytest.InNetNS(proxytest.NetNSName(prefix), func() error {
		c, err := net.Dial("udp4", addr)
		if err != nil {
			return err
		}
		defer c.Close()
		got, err = udpExchange(c, timeout)
		return err
	})
	return got, err
}

// waitForUDPHits sends rounds of 20 datagrams, each from a new source port,
// until ok accepts the answers of one round or a bounded time passes.
func waitForUDPHits(t *testing.T, prefix []string, addr, what string, ok func(map[string]int) bool) {
	t.Helper()
	var last map[string]int
	var lastErr error
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		last, lastErr = map[string]int{}, nil
		for range 20 {
			b, err := udpOnce(prefix, addr, 500*time.Millisecond)
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
