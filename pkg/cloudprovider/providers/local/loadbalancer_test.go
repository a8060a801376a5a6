package local

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/types"
)

// testRange is a slice of the default loopback range kept for these tests.
const testRange = "127.0.100.240/29"

func lbService(name string, ports ...corev1.ServicePort) *corev1.Service {
	return &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: name, UID: types.UID("uid-" + name)},
		Spec:       corev1.ServiceSpec{Type: corev1.ServiceTypeLoadBalancer, Ports: ports},
	}
}

func newCloud(t *testing.T, cfg Config) *Cloud {
	t.Helper()
	c, err := New(&cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

func ensureIP(t *testing.T, c *Cloud, svc *corev1.Service) string {
	t.Helper()
	st, err := c.EnsureLoadBalancer(context.Background(), "k", svc, nil)
	if err != nil {
		t.Fatalf("ensure %s: %v", svc.Name, err)
	}
	if len(st.Ingress) != 1 || st.Ingress[0].IP == "" {
		t.Fatalf("ensure %s: status %+v", svc.Name, st)
	}
	return st.Ingress[0].IP
}

func TestAllocation(t *testing.T) {
	ctx := context.Background()

	t.Run("services get distinct IPs from the range and keep them", func(t *testing.T) {
		c := newCloud(t, Config{LoadBalancerRange: testRange})
		seen := map[string]string{}
		for _, name := range []string{"a", "b", "c"} {
			ip := ensureIP(t, c, lbService(name))
			if other, dup := seen[ip]; dup {
				t.Fatalf("%s and %s share %s", name, other, ip)
			}
			if !strings.HasPrefix(ip, "127.0.100.") {
				t.Fatalf("%s got %s, outside %s", name, ip, testRange)
			}
			seen[ip] = name
		}
		if again := ensureIP(t, c, lbService("a")); seen[again] != "a" {
			t.Errorf("second ensure of a gave %s", again)
		}
	})

	t.Run("assignments survive a restart from the same state file", func(t *testing.T) {
		state := filepath.Join(t.TempDir(), "state", "lb.json")
		c1 := newCloud(t, Config{LoadBalancerRange: testRange, StateFile: state})
		ipA, ipB := ensureIP(t, c1, lbService("a")), ensureIP(t, c1, lbService("b"))
		c1.Close()

		c2 := newCloud(t, Config{LoadBalancerRange: testRange, StateFile: state})
		st, ok, err := c2.GetLoadBalancer(ctx, "k", lbService("b"))
		if err != nil || !ok || st.Ingress[0].IP != ipB {
			t.Fatalf("GetLoadBalancer(b) after restart = %+v, %v, %v; want %s", st, ok, err, ipB)
		}
		// A new service must not take a restored address.
		if ipC := ensureIP(t, c2, lbService("c")); ipC == ipA || ipC == ipB {
			t.Fatalf("new service c got restored address %s", ipC)
		}
		if got := ensureIP(t, c2, lbService("a")); got != ipA {
			t.Errorf("a after restart = %s, want %s", got, ipA)
		}
	})

	t.Run("deleting frees the address and removes it from the state file", func(t *testing.T) {
		state := filepath.Join(t.TempDir(), "lb.json")
		c := newCloud(t, Config{LoadBalancerRange: "127.0.100.248/31", StateFile: state})
		ipA := ensureIP(t, c, lbService("a"))
		ensureIP(t, c, lbService("b"))
		if _, err := c.EnsureLoadBalancer(ctx, "k", lbService("c"), nil); err == nil {
			t.Fatal("a third service got an address from a two-address range")
		}
		if err := c.EnsureLoadBalancerDeleted(ctx, "k", lbService("a")); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := c.GetLoadBalancer(ctx, "k", lbService("a")); ok {
			t.Error("a still has a load balancer after delete")
		}
		var st stateFile
		data, err := os.ReadFile(state)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &st); err != nil {
			t.Fatal(err)
		}
		if _, ok := st.Allocations["default/a"]; ok || len(st.Allocations) != 1 {
			t.Errorf("state after delete = %+v", st.Allocations)
		}
		if got := ensureIP(t, c, lbService("c")); got != ipA {
			t.Errorf("c got %s, want the freed %s", got, ipA)
		}
		if err := c.EnsureLoadBalancerDeleted(ctx, "k", lbService("never")); err != nil {
			t.Errorf("deleting a missing load balancer: %v", err)
		}
	})

	t.Run("a requested loadBalancerIP in the range is honoured", func(t *testing.T) {
		c := newCloud(t, Config{LoadBalancerRange: testRange})
		svc := lbService("pinned")
		svc.Spec.LoadBalancerIP = "127.0.100.245"
		if got := ensureIP(t, c, svc); got != "127.0.100.245" {
			t.Errorf("pinned got %s", got)
		}
	})

	t.Run("the state ignores assignments outside a changed range", func(t *testing.T) {
		state := filepath.Join(t.TempDir(), "lb.json")
		c1 := newCloud(t, Config{LoadBalancerRange: "127.0.100.232/30", StateFile: state})
		ensureIP(t, c1, lbService("a"))
		c1.Close()
		c2 := newCloud(t, Config{LoadBalancerRange: testRange, StateFile: state})
		if _, ok, _ := c2.GetLoadBalancer(ctx, "k", lbService("a")); ok {
			t.Error("an address outside the new range was restored")
		}
	})
}
