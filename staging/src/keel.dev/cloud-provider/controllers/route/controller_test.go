package route

import (
	"context"
	"errors"
	"net/netip"
	"slices"
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/types"
	"keel.dev/client/fake"
	"keel.dev/client/informers"

	cloudprovider "keel.dev/cloud-provider"
	"keel.dev/cloud-provider/internal/cloudtest"
)

func nodeWithCIDRs(name string, cidrs ...string) *corev1.Node {
	n := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, UID: types.UID("uid-" + name)}}
	if len(cidrs) > 0 {
		n.Spec.PodCIDR = cidrs[0]
		n.Spec.PodCIDRs = cidrs
	}
	return n
}

func newController(t *testing.T, cloud *cloudtest.Cloud, opts Options, objs ...runtime.Object) (*Controller, *fake.Clientset, context.Context) {
	t.Helper()
	cs := fake.NewClientset(objs...)
	f := informers.NewFactory(cs.Clientset, 0)
	c, err := New(cs.Clientset, f, cloud, opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() { cancel(); f.Shutdown() })
	f.Start(ctx)
	if !f.WaitForCacheSync(ctx) {
		t.Fatal("caches did not sync")
	}
	return c, cs, ctx
}

type routeView struct{ name, node, cidr string }

func view(rs []cloudprovider.Route) []routeView {
	var out []routeView
	for _, r := range rs {
		out = append(out, routeView{r.Name, r.TargetNode, r.DestinationCIDR})
	}
	return out
}

func networkCondition(t *testing.T, cs *fake.Clientset, name string) *corev1.NodeCondition {
	t.Helper()
	n, err := cs.CoreV1().Nodes().Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range n.Status.Conditions {
		if n.Status.Conditions[i].Type == corev1.NodeNetworkUnavailable {
			return &n.Status.Conditions[i]
		}
	}
	return nil
}

// waitForConditions waits until the cache shows a NetworkUnavailable
// condition on each named node.
func waitForConditions(t *testing.T, c *Controller, names ...string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for _, name := range names {
		for {
			n, err := c.nodes.Get("", name)
			if err == nil && len(n.Status.Conditions) == 1 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("cache never showed the condition of node %s", name)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
}

func TestReconcile(t *testing.T) {
	t.Run("each pod CIDR gets a route named after the node UID and the node is marked routed", func(t *testing.T) {
		cloud := cloudtest.New()
		c, cs, ctx := newController(t, cloud, Options{},
			nodeWithCIDRs("a", "10.244.0.0/24", "fd00:10:244::/64"), nodeWithCIDRs("b", "10.244.1.0/24"), nodeWithCIDRs("nocidr"))
		if err := c.reconcile(ctx); err != nil {
			t.Fatal(err)
		}
		want := []routeView{
			{"uid-a-10.244.0.0/24", "a", "10.244.0.0/24"},
			{"uid-a-fd00:10:244::/64", "a", "fd00:10:244::/64"},
			{"uid-b-10.244.1.0/24", "b", "10.244.1.0/24"},
		}
		if got := view(cloud.RouteList()); !slices.Equal(got, want) {
			t.Errorf("routes = %v, want %v", got, want)
		}
		for _, n := range []string{"a", "b"} {
			cond := networkCondition(t, cs, n)
			if cond == nil || cond.Status != corev1.ConditionFalse || cond.Reason != ReasonRouteCreated {
				t.Errorf("node %s NetworkUnavailable = %+v, want False/RouteCreated", n, cond)
			}
		}
		if networkCondition(t, cs, "nocidr") != nil {
			t.Error("a node without pod CIDRs got a NetworkUnavailable condition")
		}
		// Once the cache has caught up, a second reconcile writes nothing.
		waitForConditions(t, c, "a", "b")
		cs.ClearActions()
		before := cloud.CallCount("CreateRoute")
		if err := c.reconcile(ctx); err != nil {
			t.Fatal(err)
		}
		if after := cloud.CallCount("CreateRoute"); after != before {
			t.Errorf("second reconcile created %d routes", after-before)
		}
		for _, a := range cs.Actions() {
			if a.Verb == "update" {
				t.Errorf("second reconcile wrote %s %s", a.Resource.Resource, a.Name)
			}
		}
	})

	t.Run("routes of deleted nodes, changed CIDRs and blackholes are deleted", func(t *testing.T) {
		cloud := cloudtest.New()
		cloud.AddRoute(cloudprovider.Route{Name: "gone", TargetNode: "gone", DestinationCIDR: "10.244.9.0/24"})
		cloud.AddRoute(cloudprovider.Route{Name: "old-cidr", TargetNode: "a", DestinationCIDR: "10.244.7.0/24"})
		cloud.AddRoute(cloudprovider.Route{Name: "hole", TargetNode: "a", DestinationCIDR: "10.244.0.0/24", Blackhole: true})
		cloud.AddRoute(cloudprovider.Route{Name: "outside", TargetNode: "gone", DestinationCIDR: "192.168.0.0/24"})
		c, _, ctx := newController(t, cloud, Options{ClusterCIDRs: []netip.Prefix{netip.MustParsePrefix("10.244.0.0/16")}},
			nodeWithCIDRs("a", "10.244.0.0/24"))
		if err := c.reconcile(ctx); err != nil {
			t.Fatal(err)
		}
		want := []routeView{
			{"outside", "gone", "192.168.0.0/24"},
			{"uid-a-10.244.0.0/24", "a", "10.244.0.0/24"},
		}
		if got := view(cloud.RouteList()); !slices.Equal(got, want) {
			t.Errorf("routes = %v, want %v (routes outside the cluster CIDR are kept)", got, want)
		}
	})

	t.Run("a failed creation marks the node NoRouteCreated and is retried", func(t *testing.T) {
		cloud := cloudtest.New()
		cloud.FailNext("CreateRoute", errors.New("route table full"))
		c, cs, ctx := newController(t, cloud, Options{}, nodeWithCIDRs("a", "10.244.0.0/24"))
		if err := c.reconcile(ctx); err == nil {
			t.Fatal("reconcile succeeded despite the provider error")
		}
		if cond := networkCondition(t, cs, "a"); cond == nil || cond.Status != corev1.ConditionTrue || cond.Reason != ReasonNoRouteCreated {
			t.Fatalf("NetworkUnavailable = %+v, want True/NoRouteCreated", cond)
		}
		// Wait for the cache to see the condition, then retry.
		waitForConditions(t, c, "a")
		if err := c.reconcile(ctx); err != nil {
			t.Fatalf("retry: %v", err)
		}
		if len(cloud.RouteList()) != 1 {
			t.Errorf("routes = %v, want one", cloud.RouteList())
		}
		if cond := networkCondition(t, cs, "a"); cond == nil || cond.Status != corev1.ConditionFalse || cond.Reason != ReasonRouteCreated {
			t.Errorf("NetworkUnavailable = %+v, want False/RouteCreated", cond)
		}
	})

	t.Run("a provider without routes is refused", func(t *testing.T) {
		cloud := cloudtest.New()
		cloud.NoRoutes = true
		cs := fake.NewClientset()
		if _, err := New(cs.Clientset, informers.NewFactory(cs.Clientset, 0), cloud, Options{}); !errors.Is(err, ErrNoRoutes) {
			t.Errorf("New err = %v, want ErrNoRoutes", err)
		}
	})
}

func TestRun(t *testing.T) {
	t.Run("node events create and delete routes", func(t *testing.T) {
		cloud := cloudtest.New()
		c, cs, ctx := newController(t, cloud, Options{}, nodeWithCIDRs("a", "10.244.0.0/24"))
		go func() { _ = c.Run(ctx) }()
		waitForRoutes := func(what string, want int) {
			t.Helper()
			deadline := time.Now().Add(5 * time.Second)
			for len(cloud.RouteList()) != want {
				if time.Now().After(deadline) {
					t.Fatalf("timed out waiting until %s: routes %v", what, cloud.RouteList())
				}
				time.Sleep(5 * time.Millisecond)
			}
		}
		waitForRoutes("node a is routed", 1)
		if _, err := cs.CoreV1().Nodes().Create(context.Background(), nodeWithCIDRs("b", "10.244.1.0/24"), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		waitForRoutes("node b is routed", 2)
		if err := cs.CoreV1().Nodes().Delete(context.Background(), "a", metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		waitForRoutes("node a's route is deleted", 1)
		if got := cloud.RouteList()[0].TargetNode; got != "b" {
			t.Errorf("remaining route targets %s, want b", got)
		}
	})
}
