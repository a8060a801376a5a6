package compat

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/restmapper"
	"k8s.io/client-go/tools/leaderelection"
	"k8s.io/client-go/tools/leaderelection/resourcelock"
)

func TestClientGoLeaderElectionHandsOver(t *testing.T) {
	s := sharedAPIServer(t)
	ctx := testContext(t, 50*time.Second)
	cs := s.Clientset(t, protobufContentType)
	ns := newNamespace(t, ctx, cs, "leader")

	type candidate struct {
		id      string
		cancel  context.CancelFunc
		started chan struct{}
		stopped chan struct{}
		done    chan struct{}
	}
	var mu sync.Mutex
	var leaders []string
	run := func(id string) *candidate {
		c := &candidate{id: id, started: make(chan struct{}), stopped: make(chan struct{}), done: make(chan struct{})}
		cctx, cancel := context.WithCancel(ctx)
		c.cancel = cancel
		lock := &resourcelock.LeaseLock{
			LeaseMeta:  metav1.ObjectMeta{Name: "compat-lock", Namespace: ns},
			Client:     cs.CoordinationV1(),
			LockConfig: resourcelock.ResourceLockConfig{Identity: id},
		}
		le, err := leaderelection.NewLeaderElector(leaderelection.LeaderElectionConfig{
			Lock:            lock,
			LeaseDuration:   4 * time.Second,
			RenewDeadline:   3 * time.Second,
			RetryPeriod:     500 * time.Millisecond,
			ReleaseOnCancel: true,
			Name:            "compat",
			Callbacks: leaderelection.LeaderCallbacks{
				OnStartedLeading: func(context.Context) {
					mu.Lock()
					leaders = append(leaders, id)
					mu.Unlock()
					close(c.started)
				},
				OnStoppedLeading: func() { close(c.stopped) },
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		go func() { defer close(c.done); le.Run(cctx) }()
		return c
	}

	a := run("candidate-a")
	select {
	case <-a.started:
	case <-time.After(15 * time.Second):
		t.Fatal("candidate-a never led")
	}
	b := run("candidate-b")
	defer func() { b.cancel(); <-b.done }()
	// b must stay a follower while a renews.
	select {
	case <-b.started:
		t.Fatal("candidate-b led while candidate-a held the lease")
	case <-time.After(3 * time.Second):
	}
	lease, err := cs.CoordinationV1().Leases(ns).Get(ctx, "compat-lock", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("get lease: %v", err)
	}
	if lease.Spec.HolderIdentity == nil || *lease.Spec.HolderIdentity != "candidate-a" {
		t.Fatalf("lease holder %v, want candidate-a", lease.Spec.HolderIdentity)
	}

	released := time.Now()
	a.cancel()
	<-a.done
	select {
	case <-a.stopped:
	default:
		t.Fatal("candidate-a did not report losing leadership")
	}
	select {
	case <-b.started:
	case <-time.After(15 * time.Second):
		t.Fatal("candidate-b did not take over after candidate-a released the lease")
	}
	// ReleaseOnCancel empties the holder, so b need not wait out the lease.
	if d := time.Since(released); d > 4*time.Second {
		t.Fatalf("take-over took %s; the lease was not released", d)
	}
	mu.Lock()
	defer mu.Unlock()
	if strings.Join(leaders, ",") != "candidate-a,candidate-b" {
		t.Fatalf("leaders in order: %v", leaders)
	}
}

func TestClientGoDiscoveryAndRESTMapper(t *testing.T) {
	s := sharedAPIServer(t)
	ctx := testContext(t, 30*time.Second)
	dc, err := discovery.NewDiscoveryClientForConfig(s.RESTConfig(t, ""))
	if err != nil {
		t.Fatal(err)
	}
	groups, resources, err := dc.ServerGroupsAndResources()
	if err != nil {
		t.Fatalf("ServerGroupsAndResources: %v", err)
	}
	groupNames := map[string]bool{}
	for _, g := range groups {
		groupNames[g.Name] = true
	}
	for _, g := range []string{"", "apps", "batch", "coordination.k8s.io", "rbac.authorization.k8s.io"} {
		if !groupNames[g] {
			t.Errorf("group %q missing from discovery", g)
		}
	}
	var deployments *metav1.APIResource
	for _, rl := range resources {
		if rl.GroupVersion != "apps/v1" {
			continue
		}
		for i := range rl.APIResources {
			if rl.APIResources[i].Name == "deployments" {
				deployments = &rl.APIResources[i]
			}
		}
	}
	if deployments == nil {
		t.Fatalf("apps/v1 deployments not discovered")
	}
	if !deployments.Namespaced || deployments.Kind != "Deployment" || !contains(deployments.ShortNames, "deploy") || !contains(deployments.Categories, "all") || !contains(deployments.Verbs, "watch") {
		t.Fatalf("deployments discovery entry: %+v", *deployments)
	}

	// The aggregated (apidiscovery.k8s.io/v2) document as client-go asks for it.
	var contentType string
	var code int
	raw, err := dc.RESTClient().Get().AbsPath("/apis").SetHeader("Accept", discovery.AcceptV2).
		Do(ctx).StatusCode(&code).ContentType(&contentType).Raw()
	if err != nil {
		t.Fatalf("aggregated discovery: %v", err)
	}
	if !strings.Contains(contentType, "g=apidiscovery.k8s.io") || !strings.Contains(contentType, "v=v2") || !strings.Contains(string(raw), `"APIGroupDiscoveryList"`) {
		t.Fatalf("aggregated /apis: code %d content-type %q body %.200s", code, contentType, raw)
	}

	mapper := restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(dc))
	m, err := mapper.RESTMapping(schema.GroupKind{Group: "apps", Kind: "Deployment"})
	if err != nil {
		t.Fatalf("RESTMapping apps/Deployment: %v", err)
	}
	if m.Resource != (schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"}) || m.Scope.Name() != "namespace" {
		t.Fatalf("mapping %+v scope %s", m.Resource, m.Scope.Name())
	}
	gvk, err := mapper.KindFor(schema.GroupVersionResource{Resource: "nodes"})
	if err != nil || gvk != (schema.GroupVersionKind{Version: "v1", Kind: "Node"}) {
		t.Fatalf("KindFor nodes = %v, %v", gvk, err)
	}
	nm, err := mapper.RESTMapping(schema.GroupKind{Kind: "Node"}, "v1")
	if err != nil || nm.Scope.Name() != "root" {
		t.Fatalf("Node mapping %+v, %v", nm, err)
	}
}

func TestClientGoDynamicConfigMapCRUD(t *testing.T) {
	s := sharedAPIServer(t)
	for _, ct := range contentTypes {
		t.Run("over "+ct.name, func(t *testing.T) {
			ctx := testContext(t, 30*time.Second)
			cs := s.Clientset(t, ct.value)
			ns := newNamespace(t, ctx, cs, "dyn-"+ct.name)
			// The dynamic client speaks JSON whatever the config says.
			dyn, err := dynamic.NewForConfig(s.RESTConfig(t, ct.value))
			if err != nil {
				t.Fatal(err)
			}
			res := dyn.Resource(schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}).Namespace(ns)
			obj := &unstructured.Unstructured{Object: map[string]interface{}{
				"apiVersion": "v1", "kind": "ConfigMap",
				"metadata": map[string]interface{}{"name": "dyn", "labels": map[string]interface{}{"via": "dynamic"}},
				"data":     map[string]interface{}{"k": "v1"},
			}}
			created, err := res.Create(ctx, obj, metav1.CreateOptions{})
			if err != nil {
				t.Fatalf("create: %v", err)
			}
			if created.GetUID() == "" || created.GetKind() != "ConfigMap" {
				t.Fatalf("created uid %q kind %q", created.GetUID(), created.GetKind())
			}
			if err := unstructured.SetNestedField(created.Object, "v2", "data", "k"); err != nil {
				t.Fatal(err)
			}
			updated, err := res.Update(ctx, created, metav1.UpdateOptions{})
			if err != nil {
				t.Fatalf("update: %v", err)
			}
			if v, _, _ := unstructured.NestedString(updated.Object, "data", "k"); v != "v2" {
				t.Fatalf("data.k after update = %q", v)
			}
			patched, err := res.Patch(ctx, "dyn", types.MergePatchType, []byte(`{"data":{"p":"x"}}`), metav1.PatchOptions{})
			if err != nil {
				t.Fatalf("patch: %v", err)
			}
			if v, _, _ := unstructured.NestedString(patched.Object, "data", "p"); v != "x" {
				t.Fatalf("data.p after patch = %q", v)
			}
			applied, err := res.Apply(ctx, "dyn", &unstructured.Unstructured{Object: map[string]interface{}{
				"apiVersion": "v1", "kind": "ConfigMap",
				"metadata": map[string]interface{}{"name": "dyn", "namespace": ns},
				"data":     map[string]interface{}{"applied": "yes"},
			}}, metav1.ApplyOptions{FieldManager: "compat-dyn"})
			if err != nil {
				t.Fatalf("apply: %v", err)
			}
			if v, _, _ := unstructured.NestedString(applied.Object, "data", "applied"); v != "yes" {
				t.Fatalf("data.applied after apply = %q", v)
			}
			list, err := res.List(ctx, metav1.ListOptions{LabelSelector: "via=dynamic"})
			if err != nil {
				t.Fatalf("list: %v", err)
			}
			if len(list.Items) != 1 || list.Items[0].GetName() != "dyn" {
				t.Fatalf("list returned %d items", len(list.Items))
			}
			if err := res.Delete(ctx, "dyn", metav1.DeleteOptions{}); err != nil {
				t.Fatalf("delete: %v", err)
			}
			if _, err := res.Get(ctx, "dyn", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
				t.Fatalf("get after delete: want NotFound, got %v", err)
			}
		})
	}
}
