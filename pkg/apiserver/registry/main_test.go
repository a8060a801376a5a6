package registry_test

import (
	"context"
	"errors"
	"os"
	"testing"

	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/runtime/serializer"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/api/install"

	"keel.dev/keel/pkg/apiserver/registry"
	"keel.dev/keel/pkg/apiserver/registry/rest"
	"keel.dev/keel/pkg/apiserver/storage/storagetest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	storagetest.Shutdown()
	os.Exit(code)
}

var (
	scheme = install.NewScheme()
	codecs = serializer.NewCodecFactory(scheme)
)

// env is a registry over a fresh key prefix of the shared etcd.
type env struct {
	t      testing.TB
	prefix string
	s      *registry.Storages
}

// newEnv builds the registry; prefix "" takes a fresh one.
func newEnv(t testing.TB, prefix string) *env {
	t.Helper()
	if prefix == "" {
		prefix = storagetest.Prefix()
	}
	ctx, cancel := context.WithCancel(context.Background())
	factory, closer, err := registry.NewEtcdStorageFactory(ctx, registry.EtcdConfig{
		Client: storagetest.Etcd(t), Prefix: prefix, Codecs: codecs})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); closer.Close() })
	s, err := registry.NewStorages(ctx, registry.Config{Scheme: scheme, Codecs: codecs, StorageFactory: factory,
		ServiceClusterIPRange: "10.96.0.0/24", ServiceNodePortRange: "30000-30099"})
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, prefix: prefix, s: s}
}

var (
	podsGVR = corev1.SchemeGroupVersion.WithResource("pods")
	nsGVR   = corev1.SchemeGroupVersion.WithResource("namespaces")
	svcGVR  = corev1.SchemeGroupVersion.WithResource("services")
)

func (e *env) storage(gvr schema.GroupVersionResource, sub string) rest.Storage {
	e.t.Helper()
	st, ok := e.s.For(gvr, sub)
	if !ok {
		e.t.Fatalf("no storage for %v %q", gvr, sub)
	}
	return st
}

func nsCtx(ns string) context.Context { return rest.WithNamespace(context.Background(), ns) }

func (e *env) create(gvr schema.GroupVersionResource, ns string, obj runtime.Object) (runtime.Object, error) {
	return e.storage(gvr, "").(rest.Creater).Create(nsCtx(ns), obj, &metav1.CreateOptions{})
}

func (e *env) mustCreate(gvr schema.GroupVersionResource, ns string, obj runtime.Object) runtime.Object {
	e.t.Helper()
	out, err := e.create(gvr, ns, obj)
	if err != nil {
		e.t.Fatalf("create %v: %v", gvr, err)
	}
	return out
}

func (e *env) get(gvr schema.GroupVersionResource, ns, name string) (runtime.Object, error) {
	return e.storage(gvr, "").(rest.Getter).Get(nsCtx(ns), name, &metav1.GetOptions{})
}

func (e *env) update(gvr schema.GroupVersionResource, sub, ns, name string, fn func(obj runtime.Object) runtime.Object) (runtime.Object, bool, error) {
	return e.storage(gvr, sub).(rest.Updater).Update(nsCtx(ns), name,
		rest.UpdateFunc(func(ctx context.Context, old runtime.Object) (runtime.Object, error) {
			return fn(old.DeepCopyObject()), nil
		}), &metav1.UpdateOptions{})
}

func (e *env) del(gvr schema.GroupVersionResource, ns, name string, opts *metav1.DeleteOptions) (runtime.Object, bool, error) {
	return e.storage(gvr, "").(rest.GracefulDeleter).Delete(nsCtx(ns), name, opts)
}

func (e *env) namespace(name string) *corev1.Namespace {
	e.t.Helper()
	return e.mustCreate(nsGVR, "", &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}).(*corev1.Namespace)
}

func newPod(ns, name string) *corev1.Pod {
	return &corev1.Pod{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: map[string]string{"app": "web"}},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "nginx"}}},
	}
}

func newService(ns, name string) *corev1.Service {
	return &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: corev1.ServiceSpec{Selector: map[string]string{"app": "web"},
			Ports: []corev1.ServicePort{{Port: 80}}},
	}
}

// code returns the HTTP status code of an API error (0 for nil).
func code(err error) int32 {
	if err == nil {
		return 0
	}
	var se *apierrors.StatusError
	if errors.As(err, &se) {
		return se.ErrStatus.Code
	}
	return -1
}
