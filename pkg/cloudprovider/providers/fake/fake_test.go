package fake

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	cloudprovider "keel.dev/cloud-provider"
)

func service(ns, name string) *corev1.Service {
	return &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, UID: "0123-4567"},
		Spec:       corev1.ServiceSpec{Type: corev1.ServiceTypeLoadBalancer, Ports: []corev1.ServicePort{{Port: 80, NodePort: 30080, Protocol: corev1.ProtocolTCP}}},
	}
}

func node(name string) *corev1.Node { return &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name}} }

func TestLoadBalancerRecordsCalls(t *testing.T) {
	ctx := context.Background()
	c := New()
	c.SetLoadBalancerIPs("10.0.0.1", "10.0.0.2")
	lb, ok := c.LoadBalancer()
	if !ok {
		t.Fatal("LoadBalancer() not supported")
	}
	svc := service("default", "web")
	st, err := lb.EnsureLoadBalancer(ctx, "kubernetes", svc, []*corev1.Node{node("n1")})
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Ingress[0].IP; got != "10.0.0.1" {
		t.Errorf("first IP = %s, want 10.0.0.1", got)
	}
	if err := lb.UpdateLoadBalancer(ctx, "kubernetes", svc, []*corev1.Node{node("n1"), node("n2")}); err != nil {
		t.Fatal(err)
	}
	if got := c.Balancers()["default/web"].Nodes; !cmp.Equal(got, []string{"n1", "n2"}) {
		t.Errorf("nodes after update = %v", got)
	}
	if _, ok, _ := lb.GetLoadBalancer(ctx, "kubernetes", svc); !ok {
		t.Error("GetLoadBalancer says the balancer does not exist")
	}
	if err := lb.EnsureLoadBalancerDeleted(ctx, "kubernetes", svc); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := lb.GetLoadBalancer(ctx, "kubernetes", svc); ok {
		t.Error("balancer still exists after delete")
	}

	var methods []string
	for _, call := range c.Calls() {
		methods = append(methods, call.Method)
	}
	want := []string{MethodEnsureLoadBalancer, MethodUpdateLoadBalancer, MethodGetLoadBalancer, MethodEnsureLoadBalancerDeleted, MethodGetLoadBalancer}
	if diff := cmp.Diff(want, methods); diff != "" {
		t.Errorf("recorded methods (-want +got):\n%s", diff)
	}
	ensure := c.CallsTo(MethodEnsureLoadBalancer)[0]
	if ensure.Args[0] != "kubernetes" || ensure.Args[1].(*corev1.Service).Name != "web" || ensure.Args[2].([]*corev1.Node)[0].Name != "n1" {
		t.Errorf("ensure args = %+v", ensure.Args)
	}
	svc.Name = "mutated"
	if got := c.CallsTo(MethodEnsureLoadBalancer)[0].Args[1].(*corev1.Service).Name; got != "web" {
		t.Errorf("recorded service changed with the caller's object: %q", got)
	}
}

func TestInjectedFailures(t *testing.T) {
	ctx := context.Background()
	boom := errors.New("boom")
	tests := []struct {
		name string
		errs []error
		want []error
	}{
		{name: "one error sticks for every call", errs: []error{boom}, want: []error{boom, boom, boom}},
		{name: "queued errors are returned in order and the last one sticks", errs: []error{boom, nil}, want: []error{boom, nil, nil}},
		{name: "no error lets calls succeed", want: []error{nil, nil, nil}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := New()
			c.SetError(MethodEnsureLoadBalancer, tc.errs...)
			for i, want := range tc.want {
				_, err := c.EnsureLoadBalancer(ctx, "k", service("ns", "s"), nil)
				if !errors.Is(err, want) || (want == nil && err != nil) {
					t.Fatalf("call %d: err = %v, want %v", i, err, want)
				}
			}
			if n := len(c.CallsTo(MethodEnsureLoadBalancer)); n != len(tc.want) {
				t.Errorf("recorded %d calls, want %d (failed calls must be recorded too)", n, len(tc.want))
			}
		})
	}
	t.Run("a failed ensure creates no balancer", func(t *testing.T) {
		c := New()
		c.SetError(MethodEnsureLoadBalancer, boom)
		_, _ = c.EnsureLoadBalancer(ctx, "k", service("ns", "s"), nil)
		if len(c.Balancers()) != 0 {
			t.Errorf("balancers = %v", c.Balancers())
		}
	})
	t.Run("an exhausted IP pool fails the ensure", func(t *testing.T) {
		c := New()
		c.SetLoadBalancerIPs("10.0.0.9")
		if _, err := c.EnsureLoadBalancer(ctx, "k", service("ns", "a"), nil); err != nil {
			t.Fatal(err)
		}
		if _, err := c.EnsureLoadBalancer(ctx, "k", service("ns", "b"), nil); err == nil {
			t.Fatal("second balancer got an IP from an empty pool")
		}
	})
}

func TestDelayHonoursContext(t *testing.T) {
	c := New()
	c.SetDelay(MethodInstanceExists, time.Hour)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.InstanceExists(ctx, node("n1"))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want DeadlineExceeded", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Fatal("delay ignored the context")
	}
}

func TestInstances(t *testing.T) {
	ctx := context.Background()
	c := New()
	md := cloudprovider.InstanceMetadata{ProviderID: "fake://n1", InstanceType: "small", Zone: "z1", Region: "r1",
		NodeAddresses: []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: "10.1.0.1"}}}
	c.AddInstance("n1", Instance{Metadata: md})

	byID := node("renamed")
	byID.Spec.ProviderID = "fake://n1"
	got, err := c.InstanceMetadata(ctx, byID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(md, *got); diff != "" {
		t.Errorf("metadata by provider ID (-want +got):\n%s", diff)
	}
	if _, err := c.InstanceMetadata(ctx, node("n2")); !errors.Is(err, cloudprovider.ErrInstanceNotFound) {
		t.Errorf("missing instance err = %v, want ErrInstanceNotFound", err)
	}
	if ok, err := c.InstanceExists(ctx, node("n2")); ok || err != nil {
		t.Errorf("InstanceExists(missing) = %v, %v; want false, nil", ok, err)
	}
	c.SetShutdown("n1", true)
	if down, _ := c.InstanceShutdown(ctx, node("n1")); !down {
		t.Error("InstanceShutdown = false after SetShutdown(true)")
	}
	c.Disabled["Instances"] = true
	if _, ok := c.Instances(); ok {
		t.Error("Instances() supported although disabled")
	}
}

func TestRoutes(t *testing.T) {
	ctx := context.Background()
	c := New()
	if err := c.CreateRoute(ctx, "k", "uid1", &cloudprovider.Route{TargetNode: "n1", DestinationCIDR: "10.244.1.0/24"}); err != nil {
		t.Fatal(err)
	}
	routes, err := c.ListRoutes(ctx, "k")
	if err != nil || len(routes) != 1 || routes[0].Name != "k-uid1" || routes[0].TargetNode != "n1" {
		t.Fatalf("ListRoutes = %+v, %v", routes, err)
	}
	if err := c.DeleteRoute(ctx, "k", routes[0]); err != nil {
		t.Fatal(err)
	}
	if routes, _ := c.ListRoutes(ctx, "k"); len(routes) != 0 {
		t.Errorf("routes after delete = %+v", routes)
	}
}

func TestRegistered(t *testing.T) {
	cloud, err := cloudprovider.InitCloudProvider(ProviderName, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := cloud.(*Cloud); !ok {
		t.Fatalf("InitCloudProvider(fake) = %T", cloud)
	}
}
