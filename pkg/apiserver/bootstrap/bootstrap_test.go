package bootstrap

import (
	"context"
	"net"
	"testing"

	corev1 "keel.dev/api/core/v1"
	discoveryv1 "keel.dev/api/discovery/v1"
	schedulingv1 "keel.dev/api/scheduling/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/keel/pkg/apiserver/registry/rest"
)

// memStorage is an in-memory storage of one resource that counts writes.
type memStorage struct {
	gr      schema.GroupResource
	objects map[string]runtime.Object
	writes  int
}

func (m *memStorage) New() runtime.Object { return nil }

func (m *memStorage) Get(ctx context.Context, name string, _ *metav1.GetOptions) (runtime.Object, error) {
	obj, ok := m.objects[rest.NamespaceFrom(ctx)+"/"+name]
	if !ok {
		return nil, apierrors.NewNotFound(m.gr, name)
	}
	return obj.DeepCopyObject(), nil
}

func (m *memStorage) Create(ctx context.Context, obj runtime.Object, _ *metav1.CreateOptions) (runtime.Object, error) {
	key := rest.NamespaceFrom(ctx) + "/" + obj.(metav1.Object).GetName()
	if _, ok := m.objects[key]; ok {
		return nil, apierrors.NewAlreadyExists(m.gr, key)
	}
	m.writes++
	m.objects[key] = obj.DeepCopyObject()
	return obj, nil
}

func (m *memStorage) Update(ctx context.Context, name string, info rest.UpdatedObjectInfo, _ *metav1.UpdateOptions) (runtime.Object, bool, error) {
	key := rest.NamespaceFrom(ctx) + "/" + name
	obj, err := info.UpdatedObject(ctx, m.objects[key].DeepCopyObject())
	if err != nil {
		return nil, false, err
	}
	m.writes++
	m.objects[key] = obj
	return obj, false, nil
}

type memStorages map[schema.GroupVersionResource]*memStorage

func (s memStorages) For(gvr schema.GroupVersionResource, sub string) (rest.Storage, bool) {
	st, ok := s[gvr]
	return st, ok && sub == ""
}

func (s memStorages) writes() int {
	n := 0
	for _, st := range s {
		n += st.writes
	}
	return n
}

func newStorages() memStorages {
	s := memStorages{}
	for _, gvr := range []schema.GroupVersionResource{namespaces, services, endpoints, endpointSlices, priorityClass} {
		s[gvr] = &memStorage{gr: gvr.GroupResource(), objects: map[string]runtime.Object{}}
	}
	return s
}

func testConfig(s memStorages) Config {
	return Config{Storages: s, ServiceIP: net.ParseIP("10.96.0.1"), AdvertiseAddress: "192.0.2.10", SecurePort: 6443}
}

func TestRunCreatesTheSystemObjects(t *testing.T) {
	s := newStorages()
	if err := Run(context.Background(), testConfig(s)); err != nil {
		t.Fatal(err)
	}
	for _, ns := range []string{"default", "kube-system", "kube-public", "kube-node-lease"} {
		if _, ok := s[namespaces].objects["/"+ns]; !ok {
			t.Errorf("namespace %s was not created", ns)
		}
	}
	svc := s[services].objects["default/kubernetes"].(*corev1.Service)
	if svc.Spec.ClusterIP != "10.96.0.1" || len(svc.Spec.Ports) != 1 || svc.Spec.Ports[0].Port != 443 ||
		svc.Spec.Ports[0].TargetPort.IntValue() != 6443 || svc.Spec.Ports[0].Name != "https" || svc.Spec.Ports[0].Protocol != corev1.ProtocolTCP {
		t.Errorf("service spec = %+v", svc.Spec)
	}
	ep := s[endpoints].objects["default/kubernetes"].(*corev1.Endpoints)
	if len(ep.Subsets) != 1 || ep.Subsets[0].Addresses[0].IP != "192.0.2.10" || ep.Subsets[0].Ports[0].Port != 6443 {
		t.Errorf("endpoints = %+v", ep.Subsets)
	}
	slice := s[endpointSlices].objects["default/kubernetes"].(*discoveryv1.EndpointSlice)
	if slice.AddressType != discoveryv1.AddressTypeIPv4 || slice.Endpoints[0].Addresses[0] != "192.0.2.10" ||
		*slice.Ports[0].Port != 6443 || slice.Labels[discoveryv1.LabelServiceName] != "kubernetes" {
		t.Errorf("endpoint slice = %+v", slice)
	}
}

func TestRunIsIdempotent(t *testing.T) {
	s := newStorages()
	cfg := testConfig(s)
	if err := Run(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	before := s.writes()
	if err := Run(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	if after := s.writes(); after != before {
		t.Fatalf("a second run wrote %d objects", after-before)
	}
}

func TestRunRepairsDrift(t *testing.T) {
	cases := []struct {
		name   string
		change func(*Config)
		check  func(t *testing.T, s memStorages)
	}{
		{
			name:   "a new advertise address moves the endpoints and the slice",
			change: func(c *Config) { c.AdvertiseAddress = "192.0.2.99" },
			check: func(t *testing.T, s memStorages) {
				if ip := s[endpoints].objects["default/kubernetes"].(*corev1.Endpoints).Subsets[0].Addresses[0].IP; ip != "192.0.2.99" {
					t.Errorf("endpoints address = %s", ip)
				}
				if ip := s[endpointSlices].objects["default/kubernetes"].(*discoveryv1.EndpointSlice).Endpoints[0].Addresses[0]; ip != "192.0.2.99" {
					t.Errorf("slice address = %s", ip)
				}
			},
		},
		{
			name:   "a new secure port changes the service target port",
			change: func(c *Config) { c.SecurePort = 7443 },
			check: func(t *testing.T, s memStorages) {
				if p := s[services].objects["default/kubernetes"].(*corev1.Service).Spec.Ports[0].TargetPort.IntValue(); p != 7443 {
					t.Errorf("target port = %d", p)
				}
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newStorages()
			cfg := testConfig(s)
			if err := Run(context.Background(), cfg); err != nil {
				t.Fatal(err)
			}
			c.change(&cfg)
			if err := Run(context.Background(), cfg); err != nil {
				t.Fatal(err)
			}
			c.check(t, s)
		})
	}
}

func TestRunSkipsEndpointsForALoopbackAddress(t *testing.T) {
	s := newStorages()
	cfg := testConfig(s)
	cfg.AdvertiseAddress = "127.0.0.1"
	if err := Run(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	if _, ok := s[services].objects["default/kubernetes"]; !ok {
		t.Error("no kubernetes service")
	}
	if len(s[endpoints].objects)+len(s[endpointSlices].objects) != 0 {
		t.Error("endpoints written for a loopback address")
	}
}

func TestRunFailsWithoutStorage(t *testing.T) {
	s := newStorages()
	delete(s, services)
	if err := Run(context.Background(), testConfig(s)); err == nil {
		t.Fatal("Run succeeded without a services storage")
	}
}

func TestRunCreatesTheSystemPriorityClasses(t *testing.T) {
	cases := []struct {
		name   string
		before func(s memStorages)
		want   map[string]int32
	}{
		{
			name: "both classes are created with their values and descriptions",
			want: map[string]int32{"system-node-critical": 2000001000, "system-cluster-critical": 2000000000},
		},
		{
			name: "an existing class is kept as it is",
			before: func(s memStorages) {
				s[priorityClass].objects["/system-node-critical"] = &schedulingv1.PriorityClass{ObjectMeta: metav1.ObjectMeta{Name: "system-node-critical"}, Value: 7}
			},
			want: map[string]int32{"system-node-critical": 7, "system-cluster-critical": 2000000000},
		},
		{
			name:   "without scheduling.k8s.io/v1 nothing is created",
			before: func(s memStorages) { delete(s, priorityClass) },
		},
	}
	descriptions := map[string]string{
		"system-node-critical":    "Used for system critical pods that must not be moved from their current node.",
		"system-cluster-critical": "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.",
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newStorages()
			if c.before != nil {
				c.before(s)
			}
			if err := Run(context.Background(), testConfig(s)); err != nil {
				t.Fatal(err)
			}
			st, ok := s[priorityClass]
			if !ok {
				return
			}
			if len(st.objects) != len(c.want) {
				t.Errorf("priority classes = %v, want %v", st.objects, c.want)
			}
			for name, value := range c.want {
				pc, ok := st.objects["/"+name].(*schedulingv1.PriorityClass)
				if !ok {
					t.Fatalf("no priority class %s", name)
				}
				if pc.Value != value {
					t.Errorf("%s value = %d, want %d", name, pc.Value, value)
				}
				if value != 7 && (pc.Description != descriptions[name] || pc.GlobalDefault || pc.PreemptionPolicy == nil ||
					*pc.PreemptionPolicy != corev1.PreemptLowerPriority) {
					t.Errorf("%s = %+v", name, pc)
				}
			}
		})
	}
}
