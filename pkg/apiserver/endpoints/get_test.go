package endpoints

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime/schema"

	"keel.dev/keel/pkg/apiserver/request"
)

func TestGetAndErrors(t *testing.T) {
	e := newEnv(t)
	e.pods.put(newPod("demo", "p1", map[string]string{"run": "p1"}))
	tests := []struct {
		name, method, path, accept string
		code                       int
		message, reason            string
	}{
		{name: "a stored pod is returned with its kind", method: "GET", path: "/api/v1/namespaces/demo/pods/p1", code: 200},
		{name: "a missing pod is NotFound in Kubernetes' words", method: "GET", path: "/api/v1/namespaces/demo/pods/nosuch", code: 404,
			message: `pods "nosuch" not found`, reason: "NotFound"},
		{name: "a missing deployment names its group", method: "GET", path: "/apis/apps/v1/namespaces/demo/deployments/nosuch", code: 404,
			message: `deployments.apps "nosuch" not found`, reason: "NotFound"},
		{name: "an unknown resource is a generic 404", method: "GET", path: "/api/v1/namespaces/x/widgets", code: 404,
			message: "the server could not find the requested resource", reason: "NotFound"},
		{name: "an unknown group version is a generic 404", method: "GET", path: "/apis/nosuch/v1/things", code: 404,
			message: "the server could not find the requested resource", reason: "NotFound"},
		{name: "an unknown subresource is a generic 404", method: "GET", path: "/api/v1/namespaces/demo/pods/p1/nosuch", code: 404,
			message: "the server could not find the requested resource", reason: "NotFound"},
		{name: "a cluster-scoped resource under a namespace is a 404", method: "GET", path: "/api/v1/namespaces/demo/nodes/n1", code: 404,
			message: "the server could not find the requested resource", reason: "NotFound"},
		{name: "deleting the namespaces collection is not allowed", method: "DELETE", path: "/api/v1/namespaces", code: 405,
			message: "the server does not allow this method on the requested resource", reason: "MethodNotAllowed"},
		{name: "an unservable Accept is NotAcceptable", method: "GET", path: "/api/v1/namespaces/demo/pods/p1", accept: "text/html", code: 406,
			reason: "NotAcceptable"},
		{name: "a bad label selector is a BadRequest", method: "GET", path: "/api/v1/pods?labelSelector=a%20in%20(", code: 400, reason: "BadRequest"},
		{name: "resourceVersionMatch without resourceVersion is Invalid", method: "GET", path: "/api/v1/pods?resourceVersionMatch=Exact", code: 422,
			message: `ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided`, reason: "Invalid"},
		{name: "sendInitialEvents on a list is Invalid", method: "GET", path: "/api/v1/pods?sendInitialEvents=true", code: 422, reason: "Invalid"},
		{name: "sendInitialEvents on a watch needs NotOlderThan", method: "GET", path: "/api/v1/pods?watch=1&sendInitialEvents=true", code: 422,
			message: `ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan`, reason: "Invalid"},
		{name: "a bad field selector is a BadRequest", method: "GET", path: "/api/v1/pods?fieldSelector=a%3D%3D%3Db", code: 400, reason: "BadRequest"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := e.do(tc.method, tc.path, nil, "Accept", tc.accept)
			if w.Code != tc.code {
				t.Fatalf("code %d, want %d: %s", w.Code, tc.code, w.Body.String())
			}
			if tc.code == 200 {
				m := decodeMap(t, w)
				if m["kind"] != "Pod" || m["apiVersion"] != "v1" || dig(m, "metadata", "name") != "p1" {
					t.Fatalf("unexpected object %v", m)
				}
				return
			}
			s := status(t, w)
			if s.Kind != "Status" || s.APIVersion != "v1" || s.Status != "Failure" || string(s.Reason) != tc.reason || int(s.Code) != tc.code {
				t.Fatalf("unexpected status %+v", s)
			}
			if tc.message != "" && s.Message != tc.message {
				t.Fatalf("message %q, want %q", s.Message, tc.message)
			}
		})
	}
}

func TestGetStatusBodyMatchesKubernetes(t *testing.T) {
	e := newEnv(t)
	w := e.do("GET", "/api/v1/namespaces/demo/pods/nosuch", nil)
	want := `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods \"nosuch\" not found","reason":"NotFound","details":{"name":"nosuch","kind":"pods"},"code":404}`
	if got := strings.TrimSpace(w.Body.String()); got != want {
		t.Fatalf("body\n%s\nwant\n%s", got, want)
	}
}

func TestList(t *testing.T) {
	e := newEnv(t)
	e.pods.put(newPod("demo", "web-1", map[string]string{"app": "web"}))
	e.pods.put(newPod("demo", "web-2", map[string]string{"app": "web"}))
	e.pods.put(newPod("demo", "db-1", map[string]string{"app": "db"}))
	e.pods.put(newPod("other", "web-3", map[string]string{"app": "web"}))
	tests := []struct {
		name, path string
		want       []string
	}{
		{name: "a namespace lists its pods", path: "/api/v1/namespaces/demo/pods?limit=500", want: []string{"db-1", "web-1", "web-2"}},
		{name: "all namespaces list every pod", path: "/api/v1/pods", want: []string{"db-1", "web-1", "web-2", "web-3"}},
		{name: "a label selector filters", path: "/api/v1/namespaces/demo/pods?labelSelector=app%3Dweb", want: []string{"web-1", "web-2"}},
		{name: "a field selector on the name filters", path: "/api/v1/pods?fieldSelector=metadata.name%3Dweb-3", want: []string{"web-3"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := e.do("GET", tc.path, nil)
			if w.Code != 200 {
				t.Fatalf("code %d: %s", w.Code, w.Body.String())
			}
			m := decodeMap(t, w)
			if m["kind"] != "PodList" || m["apiVersion"] != "v1" || dig(m, "metadata", "resourceVersion") == "" {
				t.Fatalf("unexpected list envelope %v", m)
			}
			items, _ := m["items"].([]any)
			var names []string
			for _, it := range items {
				if _, has := it.(map[string]any)["kind"]; has {
					t.Errorf("list item carries a kind: %v", it)
				}
				if _, has := it.(map[string]any)["apiVersion"]; has {
					t.Errorf("list item carries an apiVersion: %v", it)
				}
				names = append(names, dig(it, "metadata", "name").(string))
			}
			if strings.Join(names, ",") != strings.Join(tc.want, ",") {
				t.Fatalf("items %v, want %v", names, tc.want)
			}
		})
	}
	t.Run("list options reach the storage", func(t *testing.T) {
		w := e.do("GET", "/api/v1/pods?resourceVersion=0&resourceVersionMatch=NotOlderThan&limit=2", nil)
		if w.Code != 200 {
			t.Fatalf("code %d: %s", w.Code, w.Body.String())
		}
		o := e.pods.lastList
		if o.ResourceVersion != "0" || o.ResourceVersionMatch != metav1.ResourceVersionMatchNotOlderThan || o.Limit != 2 {
			t.Fatalf("options %+v", o)
		}
		e.do("GET", "/api/v1/pods?limit=2&continue=tok", nil)
		if o := e.pods.lastList; o.Continue != "tok" || o.Limit != 2 {
			t.Fatalf("options %+v", o)
		}
	})
	t.Run("the storage's items are not changed by encoding", func(t *testing.T) {
		e.do("GET", "/api/v1/pods", nil)
		for _, p := range e.pods.objs {
			if p.(*corev1.Pod).Kind != "" {
				t.Fatalf("stored pod got a kind: %v", p.(*corev1.Pod).Kind)
			}
		}
	})
	t.Run("pretty output is indented", func(t *testing.T) {
		w := e.do("GET", "/api/v1/namespaces/demo/pods/web-1?pretty=true", nil)
		if !bytes.Contains(w.Body.Bytes(), []byte("\n  \"kind\": \"Pod\"")) {
			t.Fatalf("not pretty: %s", w.Body.String())
		}
	})
	t.Run("YAML output is negotiated", func(t *testing.T) {
		w := e.do("GET", "/api/v1/namespaces/demo/pods/web-1", nil, "Accept", "application/yaml")
		if w.Header().Get("Content-Type") != "application/yaml" || !bytes.Contains(w.Body.Bytes(), []byte("kind: Pod")) {
			t.Fatalf("not YAML: %s %s", w.Header().Get("Content-Type"), w.Body.String())
		}
	})
	t.Run("a namespaced path puts the namespace in the context", func(t *testing.T) {
		e.do("GET", "/api/v1/namespaces/other/pods/web-3", nil)
		if e.pods.lastCtxNS != "other" {
			t.Fatalf("namespace %q", e.pods.lastCtxNS)
		}
	})
}

func TestProtobufResponse(t *testing.T) {
	e := newEnv(t)
	e.pods.put(newPod("demo", "p1", nil))
	w := e.do("GET", "/api/v1/namespaces/demo/pods/p1", nil, "Accept", "application/vnd.kubernetes.protobuf,application/json")
	if w.Code != 200 || w.Header().Get("Content-Type") != "application/vnd.kubernetes.protobuf" {
		t.Fatalf("code %d type %q", w.Code, w.Header().Get("Content-Type"))
	}
	if !bytes.HasPrefix(w.Body.Bytes(), []byte("k8s\x00")) {
		t.Fatalf("no protobuf envelope: %q", w.Body.Bytes()[:8])
	}
	info, _ := e.codecs.SerializerForMediaType("application/vnd.kubernetes.protobuf")
	obj, _, err := info.Serializer.Decode(w.Body.Bytes(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	pod, ok := obj.(*corev1.Pod)
	if !ok || pod.Name != "p1" || pod.Spec.Containers[0].Image != "busybox" {
		t.Fatalf("decoded %#v", obj)
	}
}

func TestMethodNotAllowedWhenTheStorageLacksTheVerb(t *testing.T) {
	e := newEnv(t)
	w := e.do(http.MethodPost, "/api/v1/namespaces/demo/configmaps/x", []byte(`{}`), "Content-Type", "application/json")
	if w.Code != 405 {
		t.Fatalf("POST on an object: code %d", w.Code)
	}
}

func TestDisabledGroupVersionIsNotServed(t *testing.T) {
	e := newEnv(t, func(c *Config) {
		c.Enabled = func(gv schema.GroupVersion) bool { return gv.Group != "apps" }
	})
	e.deploys.put(newDeployment(1))
	if w := e.do("GET", "/apis/apps/v1/namespaces/demo/deployments/web", nil); w.Code != 404 ||
		status(t, w).Message != "the server could not find the requested resource" {
		t.Fatalf("code %d: %s", w.Code, w.Body.String())
	}
	if w := e.do("GET", "/api/v1/namespaces", nil); w.Code != 200 {
		t.Fatalf("core: code %d", w.Code)
	}
}

func TestInfoFromTheContextIsUsed(t *testing.T) {
	e := newEnv(t)
	e.pods.put(newPod("demo", "p1", nil))
	r := httptest.NewRequest("GET", "/api/v1/namespaces/demo/pods/p1", nil)
	info, err := request.Parse(r)
	if err != nil {
		t.Fatal(err)
	}
	info.Name = "nosuch" // the handler must follow the Info, not re-parse
	r = r.WithContext(request.WithInfo(r.Context(), info))
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, r)
	if w.Code != 404 {
		t.Fatalf("code %d", w.Code)
	}
}
