package admissiontest

import (
	"context"
	"errors"
	"testing"
	"time"

	"keel.dev/api/install"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/runtime/serializer"

	corev1 "keel.dev/api/core/v1"

	"keel.dev/keel/pkg/apiserver/admission/plugins"
	"keel.dev/keel/pkg/apiserver/authn"
	"keel.dev/keel/pkg/apiserver/registry"
	"keel.dev/keel/pkg/apiserver/registry/rest"
	"keel.dev/keel/pkg/apiserver/storage"
	"keel.dev/keel/pkg/apiserver/storage/storagetest"
)

var (
	scheme = install.NewScheme()
	codecs = serializer.NewCodecFactory(scheme)
)

// Env is a registry with admission over a fresh key prefix.
type Env struct {
	t testing.TB
	// Storages are the registry's storages.
	Storages *registry.Storages
}

// New builds the registry and installs the plugins the flags select.
func New(t testing.TB, enable, disable []string) *Env {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	factory, closer, err := registry.NewEtcdStorageFactory(ctx, registry.EtcdConfig{
		Client: storagetest.Etcd(t), Prefix: storagetest.Prefix(), Codecs: codecs})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); _ = closer.Close() })
	s, err := registry.NewStorages(ctx, registry.Config{Scheme: scheme, Codecs: codecs, StorageFactory: factory,
		ServiceClusterIPRange: "10.96.0.0/24", ServiceNodePortRange: "30000-30099"})
	if err != nil {
		t.Fatal(err)
	}
	sel, err := plugins.Select(enable, disable)
	if err != nil {
		t.Fatal(err)
	}
	if err := plugins.Install(s, sel); err != nil {
		t.Fatal(err)
	}
	return &Env{t: t, Storages: s}
}

// Core returns the GroupVersionResource of a core resource.
func Core(resource string) schema.GroupVersionResource {
	return corev1.SchemeGroupVersion.WithResource(resource)
}

func (e *Env) storage(gvr schema.GroupVersionResource) rest.Storage {
	e.t.Helper()
	st, ok := e.Storages.For(gvr, "")
	if !ok {
		e.t.Fatalf("no storage for %v", gvr)
	}
	return st
}

// Ctx is a request context in namespace ns.
func Ctx(ns string) context.Context { return rest.WithNamespace(context.Background(), ns) }

// Create creates obj in ns.
func (e *Env) Create(gvr schema.GroupVersionResource, ns string, obj runtime.Object) (runtime.Object, error) {
	return e.storage(gvr).(rest.Creater).Create(Ctx(ns), obj, &metav1.CreateOptions{})
}

// CreateSub posts obj to subresource sub of gvr in ns as user ("" for
// none) would (pods/eviction).
func (e *Env) CreateSub(gvr schema.GroupVersionResource, sub, ns string, user *authn.UserInfo, obj runtime.Object) (runtime.Object, error) {
	e.t.Helper()
	st, ok := e.Storages.For(gvr, sub)
	if !ok {
		e.t.Fatalf("no storage for %v %q", gvr, sub)
	}
	ctx := Ctx(ns)
	if user != nil {
		ctx = authn.WithUser(ctx, user)
	}
	return st.(rest.Creater).Create(ctx, obj, &metav1.CreateOptions{})
}

// DryRunCreate creates obj in ns as a dry run.
func (e *Env) DryRunCreate(gvr schema.GroupVersionResource, ns string, obj runtime.Object) (runtime.Object, error) {
	return e.storage(gvr).(rest.Creater).Create(Ctx(ns), obj, &metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
}

// MustCreate creates obj or fails the test.
func (e *Env) MustCreate(gvr schema.GroupVersionResource, ns string, obj runtime.Object) runtime.Object {
	e.t.Helper()
	out, err := e.Create(gvr, ns, obj)
	if err != nil {
		e.t.Fatalf("create %v: %v", gvr, err)
	}
	return out
}

// Get reads one object.
func (e *Env) Get(gvr schema.GroupVersionResource, ns, name string) (runtime.Object, error) {
	return e.storage(gvr).(rest.Getter).Get(Ctx(ns), name, &metav1.GetOptions{})
}

// Update applies fn to a copy of the stored object and writes it.
func (e *Env) Update(gvr schema.GroupVersionResource, ns, name string, fn func(obj runtime.Object)) (runtime.Object, error) {
	return e.UpdateSub(gvr, "", ns, name, fn)
}

// UpdateSub is Update through a subresource ("status").
func (e *Env) UpdateSub(gvr schema.GroupVersionResource, sub, ns, name string, fn func(obj runtime.Object)) (runtime.Object, error) {
	st, ok := e.Storages.For(gvr, sub)
	if !ok {
		e.t.Fatalf("no storage for %v %q", gvr, sub)
	}
	out, _, err := st.(rest.Updater).Update(Ctx(ns), name,
		rest.UpdateFunc(func(ctx context.Context, old runtime.Object) (runtime.Object, error) {
			obj := old.DeepCopyObject()
			fn(obj)
			return obj, nil
		}), &metav1.UpdateOptions{})
	return out, err
}

// Delete deletes one object.
func (e *Env) Delete(gvr schema.GroupVersionResource, ns, name string) (runtime.Object, error) {
	out, _, err := e.storage(gvr).(rest.GracefulDeleter).Delete(Ctx(ns), name, &metav1.DeleteOptions{})
	return out, err
}

// WaitCached blocks until the watch cache of gvr serves ns/name, as the
// plugins read it (the test fails after a minute).
func (e *Env) WaitCached(gvr schema.GroupVersionResource, ns, name string) {
	e.t.Helper()
	st, ok := e.Storages.Store(gvr.GroupResource())
	if !ok {
		e.t.Fatalf("no store for %v", gvr)
	}
	key, err := st.KeyFor(ns, name)
	if err != nil {
		e.t.Fatal(err)
	}
	deadline := time.Now().Add(time.Minute)
	for {
		if _, err := st.Storage.Get(context.Background(), key, storage.GetOptions{ResourceVersion: "0"}); err == nil {
			return
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("%v %s/%s never reached the watch cache", gvr, ns, name)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Namespace creates a namespace.
func (e *Env) Namespace(name string) {
	e.t.Helper()
	e.MustCreate(Core("namespaces"), "", &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}})
}

// Status returns the HTTP code and message of an API error (0 and "" for
// nil, -1 for other errors).
func Status(err error) (int32, string) {
	if err == nil {
		return 0, ""
	}
	var se *apierrors.StatusError
	if errors.As(err, &se) {
		return se.ErrStatus.Code, se.ErrStatus.Message
	}
	return -1, err.Error()
}

// Pod returns a pod with one container per name, each asking for the
// given requests and limits (nil for none).
func Pod(ns, name string, requests, limits corev1.ResourceList, containers ...string) *corev1.Pod {
	if len(containers) == 0 {
		containers = []string{"c"}
	}
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}
	for _, c := range containers {
		p.Spec.Containers = append(p.Spec.Containers, corev1.Container{Name: c, Image: "busybox",
			Resources: corev1.ResourceRequirements{Requests: requests.DeepCopy(), Limits: limits.DeepCopy()}})
	}
	return p
}

// Shutdown stops the shared etcd (call from TestMain).
func Shutdown() { storagetest.Shutdown() }
