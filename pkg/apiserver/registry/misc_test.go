package registry_test

import (
	"context"
	"errors"
	"testing"
	"time"

	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/fields"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/watch"

	corev1 "keel.dev/api/core/v1"

	"keel.dev/keel/pkg/apiserver/registry/generic"
	"keel.dev/keel/pkg/apiserver/registry/rest"
	"keel.dev/keel/pkg/apiserver/storage"
)

func TestEveryResourceHasStorage(t *testing.T) {
	e := newEnv(t, "")
	connect := map[string]bool{"log": true, "exec": true, "attach": true, "portforward": true, "proxy": true, "resize": true}
	for _, r := range scheme.Resources() {
		t.Run(r.GroupVersionResource.String()+" has a storage", func(t *testing.T) {
			st, ok := e.s.For(r.GroupVersionResource, "")
			if !ok || st.New() == nil {
				t.Fatalf("missing (%v)", ok)
			}
			for _, sub := range r.Subresources {
				st, ok := e.s.For(r.GroupVersionResource, sub.Name)
				if connect[sub.Name] {
					if ok {
						t.Fatalf("%s is the endpoints' and must not be registered", sub.Name)
					}
					continue
				}
				if !ok || st.New() == nil {
					t.Fatalf("subresource %s missing", sub.Name)
				}
			}
		})
	}
}

func TestWatch(t *testing.T) {
	e := newEnv(t, "")
	e.namespace("app")
	first := e.mustCreate(podsGVR, "app", newPod("app", "w0")).(*corev1.Pod)
	ctx, cancel := context.WithCancel(nsCtx("app"))
	defer cancel()
	w, err := e.storage(podsGVR, "").(rest.Watcher).Watch(ctx, &rest.ListOptions{
		ResourceVersion: first.ResourceVersion,
		FieldSelector:   fields.OneTermEqualSelector("spec.nodeName", "n1")})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	p := newPod("app", "w1")
	p.Spec.NodeName = "n1"
	e.mustCreate(podsGVR, "app", p)
	e.mustCreate(podsGVR, "app", newPod("app", "w2"))
	t.Run("a watch from a resourceVersion sees only matching later changes", func(t *testing.T) {
		select {
		case ev := <-w.ResultChan():
			if ev.Type != watch.Added || ev.Object.(*corev1.Pod).Name != "w1" {
				t.Fatalf("got %v %T", ev.Type, ev.Object)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("no event")
		}
	})
	t.Run("an unsupported field selector is refused before watching", func(t *testing.T) {
		_, err := e.storage(podsGVR, "").(rest.Watcher).Watch(ctx, &rest.ListOptions{
			FieldSelector: fields.OneTermEqualSelector("spec.bogus", "x")})
		if code(err) != 400 {
			t.Fatalf("got %v", err)
		}
	})
}

func TestEvents(t *testing.T) {
	e := newEnv(t, "")
	e.namespace("app")
	gvr := corev1.SchemeGroupVersion.WithResource("events")
	ev := &corev1.Event{ObjectMeta: metav1.ObjectMeta{Name: "e1"},
		InvolvedObject: corev1.ObjectReference{Kind: "Pod", Namespace: "app", Name: "web"},
		Reason:         "Started", Type: "Normal", Source: corev1.EventSource{Component: "kubelet"}}
	if _, err := e.create(gvr, "app", ev); err != nil {
		t.Fatal(err)
	}
	t.Run("events are selectable by involvedObject fields and source", func(t *testing.T) {
		out, err := e.storage(gvr, "").(rest.Lister).List(nsCtx("app"), &rest.ListOptions{
			FieldSelector: fields.AndSelectors(fields.OneTermEqualSelector("involvedObject.name", "web"),
				fields.OneTermEqualSelector("source", "kubelet"))})
		if err != nil || len(out.(*corev1.EventList).Items) != 1 {
			t.Fatalf("got %v %v", out, err)
		}
	})
	t.Run("events are stored with a lease", func(t *testing.T) {
		st, _ := e.s.Store(schema.GroupResource{Resource: "events"})
		if st.TTL == nil || st.TTL(ev) != 3600 {
			t.Fatal("no one-hour TTL")
		}
	})
}

func TestInterpretStorageError(t *testing.T) {
	gr := schema.GroupResource{Resource: "pods"}
	cases := []struct {
		name string
		err  error
		code int32
		is   func(error) bool
	}{
		{"not found is 404", storage.NewError(storage.ErrCodeKeyNotFound, "/pods/a/b", 0, ""), 404, apierrors.IsNotFound},
		{"exists is 409 AlreadyExists", storage.NewError(storage.ErrCodeKeyExists, "", 0, ""), 409, apierrors.IsAlreadyExists},
		{"a conflict is 409 Conflict", storage.NewError(storage.ErrCodeResourceVersionConflicts, "", 0, ""), 409, apierrors.IsConflict},
		{"expired is 410", storage.NewError(storage.ErrCodeExpired, "", 5, "too old resource version: 1 (5)"), 410, apierrors.IsResourceExpired},
		{"too large is 504", storage.NewError(storage.ErrCodeTooLargeResourceVersion, "", 5, "Too large resource version: 9, current: 5"), 504, apierrors.IsTimeout},
		{"an invalid argument is 400", storage.NewError(storage.ErrCodeInvalidArgument, "", 0, "bad"), 400, apierrors.IsBadRequest},
		{"unreachable is 503", storage.NewError(storage.ErrCodeUnreachable, "", 0, ""), 503, apierrors.IsServiceUnavailable},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := generic.InterpretStorageError(tc.err, gr, "b")
			if code(err) != tc.code || !tc.is(err) {
				t.Fatalf("got %v (%d)", err, code(err))
			}
		})
	}
	t.Run("a not-found names the resource", func(t *testing.T) {
		err := generic.InterpretStorageError(storage.ErrKeyNotFound, gr, "b")
		if err.Error() != `pods "b" not found` {
			t.Fatalf("got %q", err)
		}
	})
	t.Run("an expired error keeps the storage's message", func(t *testing.T) {
		err := generic.InterpretStorageError(storage.NewError(storage.ErrCodeExpired, "", 5, "too old resource version: 1 (5)"), gr, "")
		if err.Error() != "too old resource version: 1 (5)" {
			t.Fatalf("got %q", err)
		}
	})
	t.Run("a plain error passes through", func(t *testing.T) {
		plain := errors.New("x")
		if generic.InterpretStorageError(plain, gr, "") != plain {
			t.Fatal("changed")
		}
	})
}

func TestCreateOnUpdate(t *testing.T) {
	e := newEnv(t, "")
	e.namespace("app")
	gvr := corev1.SchemeGroupVersion.WithResource("endpoints")
	t.Run("PUT of a missing Endpoints creates it", func(t *testing.T) {
		out, created, err := e.storage(gvr, "").(rest.Updater).Update(nsCtx("app"), "ep",
			rest.UpdateFunc(func(ctx context.Context, old runtime.Object) (runtime.Object, error) {
				if old != nil {
					return nil, errors.New("old should be nil")
				}
				return &corev1.Endpoints{ObjectMeta: metav1.ObjectMeta{Name: "ep"}}, nil
			}), &metav1.UpdateOptions{})
		if err != nil || !created || out.(*corev1.Endpoints).UID == "" {
			t.Fatalf("got %v %v", created, err)
		}
	})
}

func TestNamespacesServeNoDeleteCollection(t *testing.T) {
	e := newEnv(t, "")
	if _, ok := e.storage(nsGVR, "").(rest.CollectionDeleter); ok {
		t.Fatal("namespaces serve deletecollection")
	}
	if _, ok := e.storage(podsGVR, "").(rest.CollectionDeleter); !ok {
		t.Fatal("pods do not serve deletecollection")
	}
}

func TestEphemeralContainers(t *testing.T) {
	e := newEnv(t, "")
	e.namespace("app")
	e.mustCreate(podsGVR, "app", newPod("app", "debug-me"))
	out, _, err := e.update(podsGVR, "ephemeralcontainers", "app", "debug-me", func(o runtime.Object) runtime.Object {
		p := o.(*corev1.Pod)
		p.Spec.EphemeralContainers = append(p.Spec.EphemeralContainers, corev1.EphemeralContainer{
			EphemeralContainerCommon: corev1.EphemeralContainerCommon{Name: "dbg", Image: "busybox",
				ImagePullPolicy: corev1.PullIfNotPresent, TerminationMessagePolicy: corev1.TerminationMessageReadFile}})
		p.Spec.Containers[0].Image = "ignored"
		return p
	})
	t.Run("ephemeralcontainers adds a debug container and changes nothing else", func(t *testing.T) {
		if err != nil {
			t.Fatal(err)
		}
		p := out.(*corev1.Pod)
		if len(p.Spec.EphemeralContainers) != 1 || p.Spec.Containers[0].Image != "nginx" {
			t.Fatalf("got %+v", p.Spec)
		}
	})
}
