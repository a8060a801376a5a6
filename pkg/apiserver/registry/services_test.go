package registry_test

import (
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"testing"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"

	corev1 "keel.dev/api/core/v1"
	networkingv1 "keel.dev/api/networking/v1"

	"keel.dev/keel/pkg/apiserver/registry/rest"
)

func TestClusterIPAllocation(t *testing.T) {
	e := newEnv(t, "")
	e.namespace("app")
	rng := netip.MustParsePrefix("10.96.0.0/24")
	const n = 50
	ips := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			out, err := e.create(svcGVR, "app", newService("app", fmt.Sprintf("s%d", i)))
			errs[i] = err
			if err == nil {
				ips[i] = out.(*corev1.Service).Spec.ClusterIP
			}
		}(i)
	}
	wg.Wait()
	t.Run("50 concurrent creates get 50 distinct addresses in range", func(t *testing.T) {
		seen := map[string]bool{}
		for i, ip := range ips {
			if errs[i] != nil {
				t.Fatalf("create %d: %v", i, errs[i])
			}
			a, err := netip.ParseAddr(ip)
			if err != nil || !rng.Contains(a) || a == rng.Addr() {
				t.Fatalf("address %q out of range", ip)
			}
			if seen[ip] {
				t.Fatalf("address %s given twice", ip)
			}
			seen[ip] = true
		}
	})
	t.Run("each allocated address has its IPAddress object", func(t *testing.T) {
		obj, err := e.get(networkingv1.SchemeGroupVersion.WithResource("ipaddresses"), "", ips[0])
		if err != nil {
			t.Fatal(err)
		}
		ref := obj.(*networkingv1.IPAddress).Spec.ParentRef
		if ref == nil || ref.Resource != "services" || ref.Namespace != "app" || ref.Name != "s0" {
			t.Fatalf("got %+v", ref)
		}
	})
	t.Run("a created service has its family and policy set", func(t *testing.T) {
		obj, _ := e.get(svcGVR, "app", "s1")
		s := obj.(*corev1.Service)
		if len(s.Spec.ClusterIPs) != 1 || s.Spec.ClusterIPs[0] != s.Spec.ClusterIP || len(s.Spec.IPFamilies) != 1 || s.Spec.IPFamilies[0] != corev1.IPv4Protocol {
			t.Fatalf("got %+v", s.Spec)
		}
	})
	t.Run("a chosen address already in use is 422", func(t *testing.T) {
		s := newService("app", "dup")
		s.Spec.ClusterIP = ips[3]
		_, err := e.create(svcGVR, "app", s)
		if code(err) != 422 || !strings.Contains(err.Error(), "spec.clusterIPs") || !strings.Contains(err.Error(), "provided IP is already allocated") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("a chosen address out of range is 422", func(t *testing.T) {
		s := newService("app", "far")
		s.Spec.ClusterIP = "10.200.0.1"
		if _, err := e.create(svcGVR, "app", s); code(err) != 422 {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("the first address can be asked for (the kubernetes service)", func(t *testing.T) {
		s := newService("app", "kubernetes")
		s.Spec.ClusterIP = "10.96.0.1"
		out, err := e.create(svcGVR, "app", s)
		if err != nil || out.(*corev1.Service).Spec.ClusterIP != "10.96.0.1" {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("a headless service gets no address", func(t *testing.T) {
		s := newService("app", "headless")
		s.Spec.ClusterIP = corev1.ClusterIPNone
		out, err := e.create(svcGVR, "app", s)
		if err != nil || out.(*corev1.Service).Spec.ClusterIP != "None" {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("a dry-run create allocates nothing", func(t *testing.T) {
		before := e.s.ClusterIPs.Used()
		_, err := e.storage(svcGVR, "").(rest.Creater).Create(nsCtx("app"), newService("app", "dry"),
			&metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
		if err != nil || e.s.ClusterIPs.Used() != before {
			t.Fatalf("got %v, used %d -> %d", err, before, e.s.ClusterIPs.Used())
		}
	})
	t.Run("deleting a service frees its address", func(t *testing.T) {
		if _, _, err := e.del(svcGVR, "app", "s3", nil); err != nil {
			t.Fatal(err)
		}
		s := newService("app", "reuse")
		s.Spec.ClusterIP = ips[3]
		if _, err := e.create(svcGVR, "app", s); err != nil {
			t.Fatalf("freed address not reusable: %v", err)
		}
	})
	t.Run("a restarted registry keeps the allocations", func(t *testing.T) {
		e2 := newEnv(t, e.prefix)
		s := newService("app", "after-restart")
		s.Spec.ClusterIP = ips[7]
		_, err := e2.create(svcGVR, "app", s)
		if code(err) != 422 || !strings.Contains(err.Error(), "provided IP is already allocated") {
			t.Fatalf("got %v", err)
		}
		if !e2.s.ClusterIPs.Has(netip.MustParseAddr(ips[9])) {
			t.Fatal("allocation lost across restart")
		}
	})
}

func TestNodePortAllocation(t *testing.T) {
	e := newEnv(t, "")
	e.namespace("app")
	nodePort := func(name string, port int32) (*corev1.Service, error) {
		s := newService("app", name)
		s.Spec.Type = corev1.ServiceTypeNodePort
		s.Spec.Ports[0].NodePort = port
		out, err := e.create(svcGVR, "app", s)
		if err != nil {
			return nil, err
		}
		return out.(*corev1.Service), nil
	}
	var first int32
	t.Run("a NodePort service gets a port in range", func(t *testing.T) {
		s, err := nodePort("np1", 0)
		if err != nil {
			t.Fatal(err)
		}
		first = s.Spec.Ports[0].NodePort
		if first < 30000 || first > 30099 {
			t.Fatalf("port %d", first)
		}
	})
	t.Run("a chosen port in use is 422", func(t *testing.T) {
		_, err := nodePort("np2", first)
		if code(err) != 422 || !strings.Contains(err.Error(), "spec.ports[0].nodePort") || !strings.Contains(err.Error(), "provided port is already allocated") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("a chosen port out of range is 422", func(t *testing.T) {
		if _, err := nodePort("np3", 31000); code(err) != 422 {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("a LoadBalancer with externalTrafficPolicy Local gets a healthCheckNodePort", func(t *testing.T) {
		s := newService("app", "lb")
		s.Spec.Type = corev1.ServiceTypeLoadBalancer
		s.Spec.ExternalTrafficPolicy = corev1.ServiceExternalTrafficPolicyLocal
		out, err := e.create(svcGVR, "app", s)
		if err != nil {
			t.Fatal(err)
		}
		if hc := out.(*corev1.Service).Spec.HealthCheckNodePort; hc < 30000 || hc > 30099 {
			t.Fatalf("healthCheckNodePort %d", hc)
		}
	})
	t.Run("a PUT without the allocated values keeps them", func(t *testing.T) {
		obj, _ := e.get(svcGVR, "app", "np1")
		cur := obj.(*corev1.Service)
		out, _, err := e.update(svcGVR, "", "app", "np1", func(o runtime.Object) runtime.Object {
			s := newService("app", "np1")
			s.Spec.Type = corev1.ServiceTypeNodePort
			s.Labels = map[string]string{"replaced": "yes"}
			return s
		})
		if err != nil {
			t.Fatal(err)
		}
		s := out.(*corev1.Service)
		if s.Spec.ClusterIP != cur.Spec.ClusterIP || s.Spec.Ports[0].NodePort != first || s.Labels["replaced"] != "yes" {
			t.Fatalf("got %+v", s.Spec)
		}
	})
	t.Run("changing the type to ClusterIP frees the port", func(t *testing.T) {
		out, _, err := e.update(svcGVR, "", "app", "np1", func(o runtime.Object) runtime.Object {
			o.(*corev1.Service).Spec.Type = corev1.ServiceTypeClusterIP
			return o
		})
		if err != nil {
			t.Fatal(err)
		}
		if np := out.(*corev1.Service).Spec.Ports[0].NodePort; np != 0 || e.s.NodePorts.Has(int(first)) {
			t.Fatalf("nodePort %d still held", np)
		}
	})
	t.Run("deleting a service frees its ports", func(t *testing.T) {
		s, err := nodePort("np4", 0)
		if err != nil {
			t.Fatal(err)
		}
		p := s.Spec.Ports[0].NodePort
		if _, _, err := e.del(svcGVR, "app", "np4", nil); err != nil {
			t.Fatal(err)
		}
		if e.s.NodePorts.Has(int(p)) {
			t.Fatal("port still held")
		}
	})
	t.Run("a restarted registry rebuilds the ports from the services", func(t *testing.T) {
		obj, _ := e.get(svcGVR, "app", "lb")
		lb := obj.(*corev1.Service)
		e2 := newEnv(t, e.prefix)
		if !e2.s.NodePorts.Has(int(lb.Spec.Ports[0].NodePort)) || !e2.s.NodePorts.Has(int(lb.Spec.HealthCheckNodePort)) {
			t.Fatal("ports lost across restart")
		}
	})
}
