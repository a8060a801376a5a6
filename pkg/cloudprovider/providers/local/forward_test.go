package local

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
)

// echoServer stands in for a node's NodePort: it answers each line with
// "<tag>:<line>". It listens on host:port (port 0 picks one).
func echoServer(t *testing.T, host string, port int, tag string) int {
	t.Helper()
	ln, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(port)))
	if err != nil {
		t.Skipf("cannot listen on %s:%d: %v", host, port, err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_ = c.SetDeadline(time.Now().Add(10 * time.Second))
				line, err := bufio.NewReader(c).ReadString('\n')
				if err != nil {
					return
				}
				fmt.Fprintf(c, "%s:%s", tag, line)
			}()
		}
	}()
	return ln.Addr().(*net.TCPAddr).Port
}

// freePort returns a port currently free on host for proto.
func freePort(t *testing.T, host, proto string) int32 {
	t.Helper()
	if proto == "udp" {
		pc, err := net.ListenPacket("udp", net.JoinHostPort(host, "0"))
		if err != nil {
			t.Skipf("cannot bind %s: %v", host, err)
		}
		defer pc.Close()
		return int32(pc.LocalAddr().(*net.UDPAddr).Port)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		t.Skipf("cannot bind %s: %v", host, err)
	}
	defer ln.Close()
	return int32(ln.Addr().(*net.TCPAddr).Port)
}

func nodeAt(name, ip string) *corev1.Node {
	return &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Status: corev1.NodeStatus{Addresses: []corev1.NodeAddress{
			{Type: corev1.NodeHostName, Address: name},
			{Type: corev1.NodeInternalIP, Address: ip},
		}},
	}
}

// roundTrip sends one line to addr and returns the reply.
func roundTrip(t *testing.T, addr string) string {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(c, "hello\n"); err != nil {
		t.Fatal(err)
	}
	reply, err := io.ReadAll(c)
	if err != nil {
		t.Fatalf("read from %s: %v", addr, err)
	}
	return string(reply)
}

func TestTCPForwarding(t *testing.T) {
	ctx := context.Background()
	nodePort := echoServer(t, "127.0.0.1", 0, "n1")
	c := newCloud(t, Config{LoadBalancerRange: testRange})
	svcPort := freePort(t, "127.0.100.241", "tcp")
	svc := lbService("web", corev1.ServicePort{Name: "http", Protocol: corev1.ProtocolTCP, Port: svcPort, NodePort: int32(nodePort)})
	svc.Spec.LoadBalancerIP = "127.0.100.241"

	st, err := c.EnsureLoadBalancer(ctx, "k", svc, []*corev1.Node{nodeAt("n1", "127.0.0.1")})
	if err != nil {
		t.Fatal(err)
	}
	if st.Ingress[0].IP != "127.0.100.241" || st.Ingress[0].IPMode == nil || *st.Ingress[0].IPMode != corev1.LoadBalancerIPModeProxy {
		t.Fatalf("status = %+v", st.Ingress)
	}
	lbAddr := net.JoinHostPort("127.0.100.241", strconv.Itoa(int(svcPort)))

	t.Run("a connection to the load balancer reaches the node port", func(t *testing.T) {
		if got := roundTrip(t, lbAddr); got != "n1:hello\n" {
			t.Fatalf("reply = %q", got)
		}
	})

	t.Run("connections are spread round-robin over the nodes", func(t *testing.T) {
		echoServer(t, "127.0.0.2", nodePort, "n2")
		if err := c.UpdateLoadBalancer(ctx, "k", svc, []*corev1.Node{nodeAt("n1", "127.0.0.1"), nodeAt("n2", "127.0.0.2")}); err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for range 4 {
			reply := roundTrip(t, lbAddr)
			tag, _, _ := strings.Cut(reply, ":")
			seen[tag] = true
		}
		if !seen["n1"] || !seen["n2"] {
			t.Fatalf("replies came from %v, want both n1 and n2", seen)
		}
	})

	t.Run("a node that refuses is skipped", func(t *testing.T) {
		dead := nodeAt("dead", "127.0.0.3") // nothing listens on 127.0.0.3:nodePort
		if err := c.UpdateLoadBalancer(ctx, "k", svc, []*corev1.Node{dead, nodeAt("n1", "127.0.0.1")}); err != nil {
			t.Fatal(err)
		}
		for range 3 {
			if got := roundTrip(t, lbAddr); got != "n1:hello\n" {
				t.Fatalf("reply = %q", got)
			}
		}
	})

	t.Run("deleting the load balancer closes its listener", func(t *testing.T) {
		if err := c.EnsureLoadBalancerDeleted(ctx, "k", svc); err != nil {
			t.Fatal(err)
		}
		if conn, err := net.DialTimeout("tcp", lbAddr, time.Second); err == nil {
			conn.Close()
			t.Fatal("load balancer address still accepts connections after delete")
		}
	})
}

func TestUDPForwarding(t *testing.T) {
	ctx := context.Background()
	backend, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Skipf("udp: %v", err)
	}
	t.Cleanup(func() { backend.Close() })
	go func() {
		buf := make([]byte, 1500)
		for {
			n, from, err := backend.ReadFrom(buf)
			if err != nil {
				return
			}
			_, _ = backend.WriteTo(append([]byte("pong:"), buf[:n]...), from)
		}
	}()
	c := newCloud(t, Config{LoadBalancerRange: testRange})
	svcPort := freePort(t, "127.0.100.242", "udp")
	svc := lbService("dns", corev1.ServicePort{Protocol: corev1.ProtocolUDP, Port: svcPort, NodePort: int32(backend.LocalAddr().(*net.UDPAddr).Port)})
	svc.Spec.LoadBalancerIP = "127.0.100.242"
	if _, err := c.EnsureLoadBalancer(ctx, "k", svc, []*corev1.Node{nodeAt("n1", "127.0.0.1")}); err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("udp", net.JoinHostPort("127.0.100.242", strconv.Itoa(int(svcPort))))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := conn.Write([]byte("ping")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64)
	n, err := conn.Read(buf)
	if err != nil {
		t.Fatalf("no UDP reply through the load balancer: %v", err)
	}
	if got := string(buf[:n]); got != "pong:ping" {
		t.Fatalf("reply = %q", got)
	}
}

func TestInitializeContextStopsForwarders(t *testing.T) {
	nodePort := echoServer(t, "127.0.0.1", 0, "n1")
	c := newCloud(t, Config{LoadBalancerRange: testRange})
	ctx, cancel := context.WithCancel(context.Background())
	c.Initialize(ctx, nil)
	svcPort := freePort(t, "127.0.100.243", "tcp")
	svc := lbService("web", corev1.ServicePort{Port: svcPort, NodePort: int32(nodePort)})
	svc.Spec.LoadBalancerIP = "127.0.100.243"
	if _, err := c.EnsureLoadBalancer(context.Background(), "k", svc, []*corev1.Node{nodeAt("n1", "127.0.0.1")}); err != nil {
		t.Fatal(err)
	}
	addr := net.JoinHostPort("127.0.100.243", strconv.Itoa(int(svcPort)))
	cancel()
	deadline := time.Now().Add(5 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			break
		}
		conn.Close()
		if time.Now().After(deadline) {
			t.Fatal("forwarder still listening 5s after the Initialize context ended")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := c.EnsureLoadBalancer(context.Background(), "k", svc, nil); err == nil {
		t.Error("EnsureLoadBalancer succeeded on a closed provider")
	}
}
