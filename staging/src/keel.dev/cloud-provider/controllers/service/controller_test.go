package service

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/types"
	"keel.dev/client/fake"
	"keel.dev/client/informers"
	"keel.dev/client/record"
	"keel.dev/client/workqueue"

	"keel.dev/cloud-provider/internal/cloudtest"
)

func lbService(name string) *corev1.Service {
	return &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: name, UID: types.UID("uid-" + name)},
		Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeLoadBalancer,
			Ports: []corev1.ServicePort{{Port: 80, NodePort: 30080, Protocol: corev1.ProtocolTCP}}},
	}
}

func readyNode(name string, mutate ...func(*corev1.Node)) *corev1.Node {
	n := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{}}}
	n.Status.Conditions = []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue}}
	for _, m := range mutate {
		m(n)
	}
	return n
}

type env struct {
	cs    *fake.Clientset
	cloud *cloudtest.Cloud
	rec   *record.FakeRecorder
	c     *Controller
	ctx   context.Context
}

func newEnv(t *testing.T, objs ...runtime.Object) *env {
	t.Helper()
	e := &env{cs: fake.NewClientset(objs...), cloud: cloudtest.New(), rec: record.NewFakeRecorder(100)}
	f := informers.NewFactory(e.cs.Clientset, 0)
	c, err := New(e.cs.Clientset, f, e.cloud, Options{Recorder: e.rec,
		RateLimiter: workqueue.NewExponentialLimiter[string](time.Millisecond, 20*time.Millisecond)})
	if err != nil {
		t.Fatal(err)
	}
	e.c = c
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() { cancel(); f.Shutdown() })
	f.Start(ctx)
	if !f.WaitForCacheSync(ctx) {
		t.Fatal("caches did not sync")
	}
	e.ctx = ctx
	return e
}

func (e *env) service(t *testing.T, name string) *corev1.Service {
	t.Helper()
	s, err := e.cs.CoreV1().Services("default").Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatalf("get service: %v", err)
	}
	return s
}

// events drains the recorded events into "Type Reason" strings.
func (e *env) events() []string {
	var out []string
	for {
		select {
		case ev := <-e.rec.Events:
			f := strings.Fields(ev)
			out = append(out, f[0]+" "+f[1])
		default:
			return out
		}
	}
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestEnsure(t *testing.T) {
	t.Run("a LoadBalancer Service gets the finalizer, a balancer over the eligible nodes and its ingress", func(t *testing.T) {
		e := newEnv(t, lbService("web"),
			readyNode("a"),
			readyNode("b"),
			readyNode("cordoned", func(n *corev1.Node) { n.Spec.Unschedulable = true }),
			readyNode("excluded", func(n *corev1.Node) { n.Labels[LabelExcludeFromLoadBalancers] = "" }),
			readyNode("notready", func(n *corev1.Node) { n.Status.Conditions[0].Status = corev1.ConditionFalse }),
		)
		if err := e.c.sync(e.ctx, "default/web"); err != nil {
			t.Fatalf("sync: %v", err)
		}
		svc := e.service(t, "web")
		if !hasFinalizer(svc) {
			t.Errorf("finalizers = %v, want %s", svc.Finalizers, LoadBalancerCleanupFinalizer)
		}
		if ing := svc.Status.LoadBalancer.Ingress; len(ing) != 1 || ing[0].IP != "203.0.113.1" {
			t.Errorf("ingress = %+v, want 203.0.113.1", ing)
		}
		if nodes, _ := e.cloud.Balancer("default", "web"); !slices.Equal(nodes, []string{"a", "b"}) {
			t.Errorf("balancer nodes = %v, want [a b]", nodes)
		}
		if got, want := e.events(), []string{"Normal " + EventEnsuringLoadBalancer, "Normal " + EventEnsuredLoadBalancer}; !slices.Equal(got, want) {
			t.Errorf("events = %v, want %v", got, want)
		}
		// Once the cache has caught up, a second sync is a no-op on the API.
		eventually(t, "the cache sees the status", func() bool {
			s, err := e.c.services.Get("default", "web")
			return err == nil && len(s.Status.LoadBalancer.Ingress) == 1
		})
		e.cs.ClearActions()
		if err := e.c.sync(e.ctx, "default/web"); err != nil {
			t.Fatal(err)
		}
		for _, a := range e.cs.Actions() {
			if a.Verb == "update" {
				t.Errorf("second sync wrote %s %s/%s", a.Verb, a.Resource.Resource, a.Subresource)
			}
		}
	})

	t.Run("a status conflict is resolved by reading the Service again", func(t *testing.T) {
		e := newEnv(t, lbService("web"), readyNode("a"))
		conflicts := 1
		e.cs.PrependReactor("update", "services", func(a fake.Action) (bool, runtime.Object, error) {
			if a.Subresource == "status" && conflicts > 0 {
				conflicts--
				return true, nil, apierrors.NewConflict(schema.GroupResource{Resource: "services"}, a.Name, errors.New("stale"))
			}
			return false, nil, nil
		})
		if err := e.c.sync(e.ctx, "default/web"); err != nil {
			t.Fatalf("sync: %v", err)
		}
		if ing := e.service(t, "web").Status.LoadBalancer.Ingress; len(ing) != 1 {
			t.Errorf("ingress = %+v, want one entry", ing)
		}
		if conflicts != 0 {
			t.Error("the conflict reactor never fired")
		}
	})

	t.Run("a Service of another load balancer class is ignored", func(t *testing.T) {
		svc := lbService("other")
		class := "example.com/other"
		svc.Spec.LoadBalancerClass = &class
		e := newEnv(t, svc, readyNode("a"))
		if err := e.c.sync(e.ctx, "default/other"); err != nil {
			t.Fatal(err)
		}
		if len(e.cloud.Calls()) != 0 || hasFinalizer(e.service(t, "other")) {
			t.Errorf("cloud calls %v, finalizers %v; want none", e.cloud.Calls(), e.service(t, "other").Finalizers)
		}
	})

	t.Run("a ClusterIP Service is ignored", func(t *testing.T) {
		svc := lbService("plain")
		svc.Spec.Type = corev1.ServiceTypeClusterIP
		e := newEnv(t, svc)
		if err := e.c.sync(e.ctx, "default/plain"); err != nil {
			t.Fatal(err)
		}
		if len(e.cloud.Calls()) != 0 {
			t.Errorf("cloud calls %v, want none", e.cloud.Calls())
		}
	})

	t.Run("a provider failure emits SyncLoadBalancerFailed and is retried until it succeeds", func(t *testing.T) {
		e := newEnv(t, lbService("web"), readyNode("a"))
		e.cloud.FailNext("EnsureLoadBalancer", errors.New("quota exceeded"))
		go func() { _ = e.c.Run(e.ctx, 1) }()
		eventually(t, "the ingress is written", func() bool { return len(e.service(t, "web").Status.LoadBalancer.Ingress) == 1 })
		if n := e.cloud.CallCount("EnsureLoadBalancer"); n < 2 {
			t.Errorf("EnsureLoadBalancer called %d times, want a retry", n)
		}
		if evs := e.events(); !slices.Contains(evs, "Warning "+EventSyncLoadBalancerFailed) {
			t.Errorf("events = %v, want a SyncLoadBalancerFailed warning", evs)
		}
	})
}

func TestNodeChanges(t *testing.T) {
	t.Run("the balancer is updated when the set of eligible nodes changes", func(t *testing.T) {
		e := newEnv(t, lbService("web"), readyNode("a"))
		go func() { _ = e.c.Run(e.ctx, 1) }()
		eventually(t, "the balancer exists", func() bool { _, ok := e.cloud.Balancer("default", "web"); return ok })
		if _, err := e.cs.CoreV1().Nodes().Create(context.Background(), readyNode("b"), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		eventually(t, "node b is in the balancer", func() bool {
			nodes, _ := e.cloud.Balancer("default", "web")
			return slices.Equal(nodes, []string{"a", "b"})
		})
		if e.cloud.CallCount("UpdateLoadBalancer") == 0 {
			t.Error("node change did not go through UpdateLoadBalancer")
		}
		// Cordoning a node takes it out again.
		b, err := e.cs.CoreV1().Nodes().Get(context.Background(), "b", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		b.Spec.Unschedulable = true
		if _, err := e.cs.CoreV1().Nodes().Update(context.Background(), b, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
		eventually(t, "node b leaves the balancer", func() bool {
			nodes, _ := e.cloud.Balancer("default", "web")
			return slices.Equal(nodes, []string{"a"})
		})
	})

	t.Run("a failed update is retried", func(t *testing.T) {
		e := newEnv(t, lbService("web"), readyNode("a"))
		if err := e.c.sync(e.ctx, "default/web"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.cs.CoreV1().Nodes().Create(context.Background(), readyNode("b"), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		eventually(t, "the cache sees node b", func() bool { _, err := e.c.nodes.Get("", "b"); return err == nil })
		e.cloud.FailNext("UpdateLoadBalancer", errors.New("cloud API down"))
		if err := e.c.syncNodes(e.ctx); err == nil {
			t.Fatal("syncNodes succeeded despite the provider error")
		}
		if err := e.c.syncNodes(e.ctx); err != nil {
			t.Fatalf("retry: %v", err)
		}
		if nodes, _ := e.cloud.Balancer("default", "web"); !slices.Equal(nodes, []string{"a", "b"}) {
			t.Errorf("balancer nodes = %v, want [a b]", nodes)
		}
	})
}

func TestDelete(t *testing.T) {
	ensured := func(mutate func(*corev1.Service)) *corev1.Service {
		s := lbService("web")
		s.Finalizers = []string{LoadBalancerCleanupFinalizer}
		s.Status.LoadBalancer.Ingress = []corev1.LoadBalancerIngress{{IP: "203.0.113.1"}}
		mutate(s)
		return s
	}
	tests := []struct {
		name string
		svc  *corev1.Service
	}{
		{"a deleted Service loses its balancer, status and finalizer", ensured(func(s *corev1.Service) {
			now := metav1.Now()
			s.DeletionTimestamp = &now
		})},
		{"a Service changed to ClusterIP loses its balancer, status and finalizer", ensured(func(s *corev1.Service) {
			s.Spec.Type = corev1.ServiceTypeClusterIP
		})},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, tc.svc, readyNode("a"))
			e.cloud.FailNext("EnsureLoadBalancerDeleted", errors.New("cloud API down"))
			if err := e.c.sync(e.ctx, "default/web"); err == nil {
				t.Fatal("first sync succeeded despite the provider error")
			}
			if !hasFinalizer(e.service(t, "web")) {
				t.Fatal("finalizer removed although the balancer was not deleted")
			}
			if err := e.c.sync(e.ctx, "default/web"); err != nil {
				t.Fatalf("retry: %v", err)
			}
			svc := e.service(t, "web")
			if hasFinalizer(svc) || len(svc.Status.LoadBalancer.Ingress) != 0 {
				t.Errorf("finalizers %v, ingress %+v; want both cleared", svc.Finalizers, svc.Status.LoadBalancer.Ingress)
			}
			if n := e.cloud.CallCount("EnsureLoadBalancerDeleted"); n != 2 {
				t.Errorf("EnsureLoadBalancerDeleted called %d times, want 2", n)
			}
			want := []string{"Normal " + EventDeletingLoadBalancer, "Warning " + EventSyncLoadBalancerFailed,
				"Normal " + EventDeletingLoadBalancer, "Normal " + EventDeletedLoadBalancer}
			if got := e.events(); !slices.Equal(got, want) {
				t.Errorf("events = %v, want %v", got, want)
			}
		})
	}

	t.Run("an ensured balancer is deleted when the Service is deleted through the API", func(t *testing.T) {
		e := newEnv(t, lbService("web"), readyNode("a"))
		if err := e.c.sync(e.ctx, "default/web"); err != nil {
			t.Fatal(err)
		}
		// The fake API deletes at once (no finalizer handling): the
		// controller's record of the balancer drives the cleanup.
		if err := e.cs.CoreV1().Services("default").Delete(context.Background(), "web", metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		eventually(t, "the cache loses the Service", func() bool { _, err := e.c.services.Get("default", "web"); return err != nil })
		if err := e.c.sync(e.ctx, "default/web"); err != nil {
			t.Fatal(err)
		}
		if _, ok := e.cloud.Balancer("default", "web"); ok {
			t.Error("balancer still exists")
		}
	})
}
