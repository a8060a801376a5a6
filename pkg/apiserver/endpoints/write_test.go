package endpoints

import (
	"bytes"
	"strings"
	"testing"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
)

func TestCreate(t *testing.T) {
	const cmPath = "/api/v1/namespaces/demo/configmaps"
	tests := []struct {
		name        string
		path        string
		contentType string
		body        string
		code        int
		message     string // exact message of the Status, or "" to skip
		contains    string // substring of the Status message
		warning     string // expected Warning header
	}{
		{name: "a JSON body is created", path: cmPath + "?fieldManager=kubectl-create", contentType: "application/json",
			body: `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c1"},"data":{"a":"1"}}`, code: 201},
		{name: "a body without kind and apiVersion gets them from the URL", path: cmPath, contentType: "application/json",
			body: `{"metadata":{"name":"c1"},"data":{"a":"1"}}`, code: 201},
		{name: "a YAML body is created", path: cmPath, contentType: "application/yaml",
			body: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c1\ndata:\n  a: \"1\"\n", code: 201},
		{name: "an unsupported content type is 415", path: cmPath, contentType: "text/plain",
			body: `{}`, code: 415, message: "415: Unsupported Media Type"},
		{name: "malformed JSON is a BadRequest in Kubernetes' words", path: cmPath, contentType: "application/json",
			body: `{not json`, code: 400,
			message: "the object provided is unrecognized (must be of type ConfigMap): couldn't get version/kind; json parse error: invalid character 'n' looking for beginning of object key string ({not json)"},
		{name: "a kind other than the URL's is refused", path: cmPath, contentType: "application/json",
			body: `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"c1"}}`, code: 400, contains: "does not match the expected kind (ConfigMap)"},
		{name: "an apiVersion other than the URL's is refused", path: cmPath, contentType: "application/json",
			body: `{"apiVersion":"apps/v1","kind":"ConfigMap","metadata":{"name":"c1"}}`, code: 400,
			message: "the API version in the data (apps/v1) does not match the expected API version (v1)"},
		{name: "a namespace other than the URL's is refused", path: cmPath, contentType: "application/json",
			body: `{"metadata":{"name":"c1","namespace":"other"}}`, code: 400,
			message: "the namespace of the provided object does not match the namespace sent on the request"},
		{name: "a field of the wrong type names the kinds", path: cmPath, contentType: "application/json",
			body: `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c1"},"data":"x"}`, code: 400,
			contains: `ConfigMap in version "v1" cannot be handled as a ConfigMap: `},
		{name: "unknown fields fail with fieldValidation=Strict", path: cmPath + "?fieldValidation=Strict", contentType: "application/json",
			body: `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c1"},"spec":{"foo":1}}`, code: 400,
			message: `ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "spec"`},
		{name: "unknown fields warn by default", path: cmPath, contentType: "application/json",
			body: `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c1"},"data":{"a":"1"},"spec":{"foo":1}}`, code: 201,
			warning: `299 - "unknown field \"spec\""`},
		{name: "unknown fields pass silently with fieldValidation=Ignore", path: cmPath + "?fieldValidation=Ignore", contentType: "application/json",
			body: `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c1"},"data":{"a":"1"},"spec":{"foo":1}}`, code: 201},
		{name: "an unknown fieldValidation is Invalid", path: cmPath + "?fieldValidation=Loud", contentType: "application/json",
			body: `{"metadata":{"name":"c1"}}`, code: 422, contains: "fieldValidation"},
		{name: "a dryRun other than All is Invalid", path: cmPath + "?dryRun=Some", contentType: "application/json",
			body: `{"metadata":{"name":"c1"}}`, code: 422, contains: `dryRun: Unsupported value`},
		{name: "a body over the limit is 413", path: cmPath, contentType: "application/json",
			body: `{"metadata":{"name":"c1"},"data":{"a":"` + strings.Repeat("x", 70*1024) + `"}}`, code: 413},
		{name: "creating on a collection without a namespace is not allowed", path: "/api/v1/configmaps", contentType: "application/json",
			body: `{"metadata":{"name":"c1"}}`, code: 405},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			w := e.do("POST", tc.path, []byte(tc.body), "Content-Type", tc.contentType, "User-Agent", "kubectl/v1.32.4 (linux/amd64)")
			if w.Code != tc.code {
				t.Fatalf("code %d, want %d: %s", w.Code, tc.code, w.Body.String())
			}
			if got := w.Header().Get("Warning"); got != tc.warning {
				t.Fatalf("Warning %q, want %q", got, tc.warning)
			}
			if tc.code == 201 {
				m := decodeMap(t, w)
				if m["kind"] != "ConfigMap" || dig(m, "metadata", "namespace") != "demo" || dig(m, "metadata", "resourceVersion") == nil {
					t.Fatalf("unexpected answer %v", m)
				}
				stored := e.cms.stored("demo", "c1")
				if stored == nil {
					t.Fatal("nothing stored")
				}
				mf := stored.(*corev1.ConfigMap).ManagedFields
				if len(mf) != 1 || mf[0].Operation != metav1.ManagedFieldsOperationUpdate {
					t.Fatalf("managedFields %+v", mf)
				}
				wantMgr := "kubectl"
				if strings.Contains(tc.path, "fieldManager=kubectl-create") {
					wantMgr = "kubectl-create"
				}
				if mf[0].Manager != wantMgr || !strings.Contains(string(mf[0].FieldsV1.Raw), `"f:data"`) {
					t.Fatalf("managedFields %+v (%s)", mf, mf[0].FieldsV1.Raw)
				}
				return
			}
			s := status(t, w)
			if int(s.Code) != tc.code || s.Status != "Failure" {
				t.Fatalf("status %+v", s)
			}
			if tc.message != "" && s.Message != tc.message {
				t.Fatalf("message\n%q\nwant\n%q", s.Message, tc.message)
			}
			if !strings.Contains(s.Message, tc.contains) {
				t.Fatalf("message %q lacks %q", s.Message, tc.contains)
			}
			if e.cms.stored("demo", "c1") != nil {
				t.Fatal("a failed create stored the object")
			}
		})
	}
}

func TestCreateProtobuf(t *testing.T) {
	e := newEnv(t)
	info, _ := e.codecs.SerializerForMediaType("application/vnd.kubernetes.protobuf")
	var body bytes.Buffer
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "c1"}, Data: map[string]string{"a": "1"}}
	if err := info.Serializer.Encode(cm, &body); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(body.Bytes(), []byte("k8s\x00")) {
		t.Fatal("test body lacks the envelope")
	}
	w := e.do("POST", "/api/v1/namespaces/demo/configmaps?fieldManager=kubectl-create&fieldValidation=Strict", body.Bytes(),
		"Content-Type", "application/vnd.kubernetes.protobuf", "Accept", "application/vnd.kubernetes.protobuf,application/json")
	if w.Code != 201 {
		t.Fatalf("code %d: %s", w.Code, w.Body.String())
	}
	obj, _, err := info.Serializer.Decode(w.Body.Bytes(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, ok := obj.(*corev1.ConfigMap)
	if !ok || got.Name != "c1" || got.Namespace != "demo" || got.Data["a"] != "1" || got.ResourceVersion == "" {
		t.Fatalf("answer %#v", obj)
	}
}

func TestCreateExisting(t *testing.T) {
	e := newEnv(t)
	body := []byte(`{"metadata":{"name":"dup"}}`)
	e.do("POST", "/api/v1/namespaces/demo/configmaps", body, "Content-Type", "application/json")
	w := e.do("POST", "/api/v1/namespaces/demo/configmaps", body, "Content-Type", "application/json")
	want := `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"configmaps \"dup\" already exists","reason":"AlreadyExists","details":{"name":"dup","kind":"configmaps"},"code":409}`
	if w.Code != 409 || strings.TrimSpace(w.Body.String()) != want {
		t.Fatalf("code %d body %s", w.Code, w.Body.String())
	}
}

func TestCreateDryRun(t *testing.T) {
	e := newEnv(t)
	w := e.do("POST", "/api/v1/namespaces/demo/configmaps?dryRun=All", []byte(`{"metadata":{"name":"c1"}}`), "Content-Type", "application/json")
	if w.Code != 201 {
		t.Fatalf("code %d: %s", w.Code, w.Body.String())
	}
	if e.cms.lastCreate == nil || len(e.cms.lastCreate.DryRun) != 1 || e.cms.lastCreate.DryRun[0] != "All" {
		t.Fatalf("dryRun did not reach the storage: %+v", e.cms.lastCreate)
	}
	if e.cms.stored("demo", "c1") != nil {
		t.Fatal("a dry run stored the object")
	}
}

func TestUpdate(t *testing.T) {
	tests := []struct {
		name    string
		path    string
		body    func(rv string) string
		code    int
		message string
	}{
		{name: "a PUT with the current resourceVersion replaces the object", path: "/api/v1/namespaces/demo/configmaps/c1",
			body: func(rv string) string {
				return `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c1","resourceVersion":"` + rv + `"},"data":{"a":"2"}}`
			}, code: 200},
		{name: "a PUT with a stale resourceVersion is a Conflict", path: "/api/v1/namespaces/demo/configmaps/c1",
			body: func(string) string {
				return `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c1","resourceVersion":"1"},"data":{"a":"2"}}`
			}, code: 409,
			message: `Operation cannot be fulfilled on configmaps "c1": the object has been modified; please apply your changes to the latest version and try again`},
		{name: "a PUT naming another object is refused", path: "/api/v1/namespaces/demo/configmaps/c1",
			body: func(string) string { return `{"metadata":{"name":"x"},"data":{"a":"2"}}` }, code: 400,
			message: "the name of the object (x) does not match the name on the URL (c1)"},
		{name: "a PUT on a missing object is NotFound", path: "/api/v1/namespaces/demo/configmaps/nosuch",
			body: func(string) string { return `{"metadata":{"name":"nosuch"}}` }, code: 404, message: `configmaps "nosuch" not found`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			old := e.cms.put(&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "c1", Namespace: "demo"}, Data: map[string]string{"a": "1"}})
			rv := old.(*corev1.ConfigMap).ResourceVersion
			w := e.do("PUT", tc.path+"?fieldManager=kubectl-replace", []byte(tc.body(rv)), "Content-Type", "application/json")
			if w.Code != tc.code {
				t.Fatalf("code %d, want %d: %s", w.Code, tc.code, w.Body.String())
			}
			if tc.code != 200 {
				if s := status(t, w); s.Message != tc.message {
					t.Fatalf("message %q, want %q", s.Message, tc.message)
				}
				return
			}
			cm := e.cms.stored("demo", "c1").(*corev1.ConfigMap)
			if cm.Data["a"] != "2" || cm.ResourceVersion == rv {
				t.Fatalf("stored %+v", cm)
			}
			if len(cm.ManagedFields) != 1 || cm.ManagedFields[0].Manager != "kubectl-replace" {
				t.Fatalf("managedFields %+v", cm.ManagedFields)
			}
		})
	}
}

func TestDelete(t *testing.T) {
	t.Run("a configmap delete answers a Success Status with the uid", func(t *testing.T) {
		e := newEnv(t)
		e.cms.put(&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "dup", Namespace: "demo"}})
		w := e.do("DELETE", "/api/v1/namespaces/demo/configmaps/dup", []byte(`{"propagationPolicy":"Background"}`), "Content-Type", "application/json")
		want := `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success","details":{"name":"dup","kind":"configmaps","uid":"uid-dup"}}`
		if w.Code != 200 || strings.TrimSpace(w.Body.String()) != want {
			t.Fatalf("code %d body %s", w.Code, w.Body.String())
		}
		if p := e.cms.lastDelete.PropagationPolicy; p == nil || *p != metav1.DeletePropagationBackground {
			t.Fatalf("propagationPolicy did not reach the storage: %+v", e.cms.lastDelete)
		}
	})
	t.Run("a pod delete answers the pod with its deletionTimestamp", func(t *testing.T) {
		e := newEnv(t)
		e.pods.put(newPod("demo", "p1", nil))
		w := e.do("DELETE", "/api/v1/namespaces/demo/pods/p1?gracePeriodSeconds=30", nil)
		m := decodeMap(t, w)
		if w.Code != 200 || m["kind"] != "Pod" || dig(m, "metadata", "deletionTimestamp") == nil {
			t.Fatalf("code %d body %v", w.Code, m)
		}
		if g := e.pods.lastDelete.GracePeriodSeconds; g == nil || *g != 30 {
			t.Fatalf("gracePeriodSeconds did not reach the storage: %+v", e.pods.lastDelete)
		}
	})
	t.Run("an unknown propagationPolicy is Invalid", func(t *testing.T) {
		e := newEnv(t)
		e.cms.put(&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "c", Namespace: "demo"}})
		w := e.do("DELETE", "/api/v1/namespaces/demo/configmaps/c?propagationPolicy=Sideways", nil)
		if w.Code != 422 || !strings.Contains(status(t, w).Message, "propagationPolicy") {
			t.Fatalf("code %d body %s", w.Code, w.Body.String())
		}
	})
	t.Run("a missing object is NotFound", func(t *testing.T) {
		e := newEnv(t)
		w := e.do("DELETE", "/api/v1/namespaces/demo/configmaps/nosuch", nil)
		if w.Code != 404 {
			t.Fatalf("code %d", w.Code)
		}
	})
	t.Run("a collection delete removes what the selector matches", func(t *testing.T) {
		e := newEnv(t)
		e.cms.put(&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "a", Namespace: "demo", Labels: map[string]string{"x": "1"}}})
		e.cms.put(&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "b", Namespace: "demo"}})
		w := e.do("DELETE", "/api/v1/namespaces/demo/configmaps?labelSelector=x%3D1&dryRun=All", nil)
		if w.Code != 200 || e.cms.stored("demo", "a") != nil || e.cms.stored("demo", "b") == nil {
			t.Fatalf("code %d body %s", w.Code, w.Body.String())
		}
		if len(e.cms.lastDelete.DryRun) != 1 {
			t.Fatalf("dryRun did not reach the storage: %+v", e.cms.lastDelete)
		}
	})
}
