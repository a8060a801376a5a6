package cloudlb

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/client/kubeconfig"
	"keel.dev/client/typed"
	ccm "keel.dev/cloud-provider/app"
	"keel.dev/keel/pkg/apiserver/app"
	"keel.dev/keel/pkg/cloudprovider/providers/local"
	"keel.dev/keel/test/integration/framework"
)

const (
	lbRange     = "127.0.100.240/29"
	nodeName    = "cloudlb-node"
	pollTimeout = 20 * time.Second
	cleanupFin  = "service.kubernetes.io/load-balancer-cleanup"
)

// TestLoadBalancerServiceOnTheMachine runs the cloud loops with the local
// provider, stands in for a node with a TCP server on a node port, and
// checks the whole life of a LoadBalancer Service. The proxy's NodePort
// rules themselves are covered by test/integration/proxy; here the stand-in
// server listens on the node port directly.
func TestLoadBalancerServiceOnTheMachine(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("cloudlb: root-only e2e test (the local provider binds load balancer addresses of 127.0.100.240/29 on this machine); run it as root")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	// The stand-in for the node: a TCP server on a free high port, used as
	// the Service's node port (the apiserver's range is widened to hold it).
	backend, nodePort := listenHigh(t)
	go serve(backend)

	s := framework.StartTestServer(t, func(c *app.Config) { c.ServiceNodePortRange = "30000-65535" })
	rc, err := kubeconfig.BuildConfig(s.Kubeconfig, kubeconfig.Overrides{})
	if err != nil {
		t.Fatal(err)
	}
	rc.QPS = -1
	cs, err := typed.NewForConfig(rc)
	if err != nil {
		t.Fatal(err)
	}

	// A Ready, schedulable Node at 127.0.0.1.
	node := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: nodeName}}
	created, err := cs.CoreV1().Nodes().Create(ctx, node, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	created.Status = corev1.NodeStatus{
		Addresses:  []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: "127.0.0.1"}},
		Conditions: []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue, Reason: "KubeletReady"}},
	}
	if _, err := cs.CoreV1().Nodes().UpdateStatus(ctx, created, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}

	// The cloud-controller-manager, in process, with the local provider.
	dir := t.TempDir()
	cloudConfig := filepath.Join(dir, "cloud.yaml")
	conf := fmt.Sprintf("loadBalancerRange: %s\nstateFile: %s\n", lbRange, filepath.Join(dir, "state.json"))
	if err := os.WriteFile(cloudConfig, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := ccm.NewConfig()
	cfg.CloudProvider, cfg.CloudConfig = local.ProviderName, cloudConfig
	cfg.Kubeconfig = s.Kubeconfig
	cfg.LeaderElect = false
	cfg.SecurePort = 0
	cfg.ConfigureCloudRoutes = false
	cfg.KubeAPIQPS, cfg.KubeAPIBurst = 100, 200
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	runCtx, stopCCM := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- ccm.Run(runCtx, cfg) }()
	t.Cleanup(func() {
		stopCCM()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("cloud-controller-manager: %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Error("cloud-controller-manager did not stop")
		}
	})

	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "web"},
		Spec: corev1.ServiceSpec{
			Type:     corev1.ServiceTypeLoadBalancer,
			Selector: map[string]string{"app": "web"},
			Ports:    []corev1.ServicePort{{Name: "http", Protocol: corev1.ProtocolTCP, Port: 8080, NodePort: int32(nodePort)}},
		},
	}
	if _, err := cs.CoreV1().Services("default").Create(ctx, svc, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}

	// The controller assigns an address from the range and adds its finalizer.
	var ip string
	poll(t, "ingress IP and cleanup finalizer", func() (bool, error) {
		got, err := cs.CoreV1().Services("default").Get(ctx, "web", metav1.GetOptions{})
		if err != nil {
			return false, err
		}
		if len(got.Status.LoadBalancer.Ingress) == 0 || got.Status.LoadBalancer.Ingress[0].IP == "" {
			return false, nil
		}
		ip = got.Status.LoadBalancer.Ingress[0].IP
		return hasFinalizer(got), nil
	})
	addr, err := netip.ParseAddr(ip)
	if err != nil || !netip.MustParsePrefix(lbRange).Contains(addr) {
		t.Fatalf("ingress IP %q is not in %s", ip, lbRange)
	}

	// A client on the machine reaches the stand-in node through the address.
	target := net.JoinHostPort(ip, "8080")
	var reply string
	poll(t, "a reply through "+target, func() (bool, error) {
		r, err := roundTrip(target, "hello")
		if err != nil {
			return false, nil
		}
		reply = r
		return true, nil
	})
	if want := "node:hello"; reply != want {
		t.Fatalf("reply through %s = %q, want %q", target, reply, want)
	}

	// Deleting the Service removes the finalizer, the Service and the listener.
	if err := cs.CoreV1().Services("default").Delete(ctx, "web", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	poll(t, "the Service to be gone", func() (bool, error) {
		got, err := cs.CoreV1().Services("default").Get(ctx, "web", metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return true, nil
		}
		if err != nil {
			return false, err
		}
		if got.DeletionTimestamp == nil {
			return false, errors.New("Service not marked for deletion")
		}
		return false, nil
	})
	poll(t, "connection refused at "+target, func() (bool, error) {
		c, err := net.DialTimeout("tcp", target, 2*time.Second)
		if err == nil {
			c.Close()
			return false, nil
		}
		return errors.Is(err, syscall.ECONNREFUSED), nil
	})
}

// hasFinalizer reports whether svc carries the load balancer cleanup finalizer.
func hasFinalizer(svc *corev1.Service) bool {
	for _, f := range svc.Finalizers {
		if f == cleanupFin {
			return true
		}
	}
	return false
}

// listenHigh listens on 127.0.0.1 at a free port of at least 30000.
func listenHigh(t *testing.T) (net.Listener, int) {
	t.Helper()
	for range 50 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		if p := ln.Addr().(*net.TCPAddr).Port; p >= 30000 {
			t.Cleanup(func() { ln.Close() })
			return ln, p
		}
		ln.Close()
	}
	t.Fatal("no free port at or above 30000")
	return nil, 0
}

// serve answers each line with "node:" and the line.
func serve(ln net.Listener) {
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
			_, _ = io.WriteString(c, "node:"+line)
		}()
	}
}

// roundTrip sends msg as a line to addr and returns the reply line.
func roundTrip(addr, msg string) (string, error) {
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		return "", err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(c, msg+"\n"); err != nil {
		return "", err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return "", err
	}
	return strings.TrimSuffix(line, "\n"), nil
}

// poll calls cond every 100ms until it reports true, fails or pollTimeout passes.
func poll(t *testing.T, what string, cond func() (bool, error)) {
	t.Helper()
	deadline := time.Now().Add(pollTimeout)
	for {
		ok, err := cond()
		if err != nil {
			t.Fatalf("waiting for %s: %v", what, err)
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", pollTimeout, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
