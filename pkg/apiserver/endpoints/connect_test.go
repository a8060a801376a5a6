package endpoints

import (
	"context"
	"net/http"
	"strings"
	"testing"

	policyv1 "keel.dev/api/policy/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"

	corev1 "keel.dev/api/core/v1"

	"keel.dev/keel/pkg/apiserver/registry/rest"
	"keel.dev/keel/pkg/apiserver/request"
)

func TestConnectWithoutKubelet(t *testing.T) {
	e := newEnv(t)
	e.pods.put(newPod("demo", "p1", nil))
	bound := newPod("demo", "p2", nil)
	bound.Spec.NodeName = "node-1"
	e.pods.put(bound)
	e.nodes.put(&corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "node-1"}})
	two := newPod("demo", "two", nil)
	two.Spec.Containers = []corev1.Container{{Name: "a"}, {Name: "b"}}
	e.pods.put(two)
	tests := []struct {
		name, method, path string
		code               int
		message            string
	}{
		{name: "logs of a pod without a node are empty", method: "GET", path: "/api/v1/namespaces/demo/pods/p1/log?container=main", code: 204},
		{name: "exec into a pod without a node is a BadRequest", method: "GET",
			path: "/api/v1/namespaces/demo/pods/p1/exec?command=echo&command=hi&container=main&stderr=true&stdout=true", code: 400,
			message: "pod p1 does not have a host assigned"},
		{name: "the SPDY exec fallback gets the same answer", method: "POST", path: "/api/v1/namespaces/demo/pods/p1/exec?command=echo", code: 400,
			message: "pod p1 does not have a host assigned"},
		{name: "port-forward to a pod without a node is a BadRequest", method: "POST", path: "/api/v1/namespaces/demo/pods/p1/portforward", code: 400,
			message: "pod p1 does not have a host assigned"},
		{name: "logs of a pod on a node wait for the kubelet", method: "GET", path: "/api/v1/namespaces/demo/pods/p2/log", code: 503,
			message: `no kubelet connection is available yet for node "node-1"`},
		{name: "the node proxy waits for the kubelet", method: "GET", path: "/api/v1/nodes/node-1/proxy/metrics", code: 503,
			message: `no kubelet connection is available yet for node "node-1"`},
		{name: "logs of a missing pod are NotFound", method: "GET", path: "/api/v1/namespaces/demo/pods/nosuch/log", code: 404,
			message: `pods "nosuch" not found`},
		{name: "logs of an unknown container are a BadRequest", method: "GET", path: "/api/v1/namespaces/demo/pods/p1/log?container=nope", code: 400,
			message: "container nope is not valid for pod p1"},
		{name: "exec without a container into a pod of two names the choices", method: "GET", path: "/api/v1/namespaces/demo/pods/two/exec?command=ls", code: 400,
			message: "a container name must be specified for pod two, choose one of: [a b]"},
		{name: "logs take no POST", method: "POST", path: "/api/v1/namespaces/demo/pods/p1/log", code: 405},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := e.do(tc.method, tc.path, nil)
			if w.Code != tc.code {
				t.Fatalf("code %d, want %d: %s", w.Code, tc.code, w.Body.String())
			}
			if tc.code == 204 {
				if w.Body.Len() != 0 {
					t.Fatalf("body %q", w.Body.String())
				}
				return
			}
			if s := status(t, w); tc.message != "" && s.Message != tc.message {
				t.Fatalf("message %q, want %q", s.Message, tc.message)
			}
		})
	}
}

func TestConnectorServesWhenSet(t *testing.T) {
	var seen *request.Info
	e := newEnv(t, func(c *Config) {
		c.Connector = func(_ context.Context, info *request.Info, obj runtime.Object) (http.Handler, error) {
			seen = info
			if obj.(*corev1.Pod).Name != "p1" {
				t.Errorf("connector got %v", obj)
			}
			return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("hello\n")) }), nil
		}
	})
	e.pods.put(newPod("demo", "p1", nil))
	w := e.do("GET", "/api/v1/namespaces/demo/pods/p1/log?container=main", nil)
	if w.Code != 200 || w.Body.String() != "hello\n" || seen == nil || seen.Subresource != "log" {
		t.Fatalf("code %d body %q info %+v", w.Code, w.Body.String(), seen)
	}
}

// evictions is a fake pods/eviction storage.
type evictions struct{ got *policyv1.Eviction }

func (e *evictions) New() runtime.Object { return &policyv1.Eviction{} }

func (e *evictions) Create(_ context.Context, obj runtime.Object, _ *metav1.CreateOptions) (runtime.Object, error) {
	e.got = obj.(*policyv1.Eviction)
	return &metav1.Status{Status: metav1.StatusSuccess}, nil
}

func TestSubresourceCreate(t *testing.T) {
	ev := &evictions{}
	e := newEnv(t, func(c *Config) {
		sm := c.Storages.(storageMap)
		sm[schema.GroupVersionResource{Version: "v1", Resource: "pods"}]["eviction"] = rest.Storage(ev)
	})
	body := `{"kind":"Eviction","apiVersion":"policy/v1","metadata":{"name":"p1","namespace":"demo","creationTimestamp":null},"deleteOptions":{}}`
	w := e.do("POST", "/api/v1/namespaces/demo/pods/p1/eviction", []byte(body), "Content-Type", "application/json")
	if w.Code != 201 {
		t.Fatalf("code %d: %s", w.Code, w.Body.String())
	}
	if s := status(t, w); s.Status != metav1.StatusSuccess || s.Code != 201 {
		t.Fatalf("status %+v", s)
	}
	if ev.got == nil || ev.got.Name != "p1" || ev.got.Namespace != "demo" || ev.got.DeleteOptions == nil {
		t.Fatalf("eviction %+v", ev.got)
	}
	t.Run("an eviction naming another pod is refused", func(t *testing.T) {
		w := e.do("POST", "/api/v1/namespaces/demo/pods/p1/eviction", []byte(strings.Replace(body, `"name":"p1"`, `"name":"p9"`, 1)),
			"Content-Type", "application/json")
		if w.Code != 400 {
			t.Fatalf("code %d: %s", w.Code, w.Body.String())
		}
	})
	t.Run("a subresource without storage is NotFound", func(t *testing.T) {
		w := e.do("POST", "/api/v1/namespaces/demo/pods/p1/binding", []byte(`{}`), "Content-Type", "application/json")
		if w.Code != 404 {
			t.Fatalf("code %d: %s", w.Code, w.Body.String())
		}
	})
}
