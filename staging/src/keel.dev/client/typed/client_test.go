package typed

import (
	"context"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	appsv1 "keel.dev/api/apps/v1"
	autoscalingv1 "keel.dev/api/autoscaling/v1"
	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/types"
	"keel.dev/client/rest"
)

// recorded is one request the test server saw.
type recorded struct {
	method, path, query, contentType string
	body                             []byte
}

// newServer serves respond(req) as JSON or protobuf (per Accept) and records requests.
func newServer(t *testing.T, contentType string, respond func(r recorded) (int, runtime.Object)) (*Clientset, *[]recorded) {
	t.Helper()
	var seen []recorded
	var cs *Clientset
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		rec := recorded{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Get("Content-Type"), b}
		seen = append(seen, rec)
		code, obj := respond(rec)
		mt := runtime.ContentTypeJSON
		if strings.HasPrefix(r.Header.Get("Accept"), runtime.ContentTypeProtobuf) {
			mt = runtime.ContentTypeProtobuf
		}
		info, _ := cs.REST().Codecs().SerializerForMediaType(mt)
		w.Header().Set("Content-Type", mt)
		w.WriteHeader(code)
		_ = info.Serializer.Encode(obj, w)
	}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	t.Cleanup(srv.Close)
	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	var err error
	cs, err = NewForConfig(&rest.Config{Host: srv.URL, TLS: rest.TLSConfig{CAData: ca}, QPS: -1, ContentType: contentType})
	if err != nil {
		t.Fatal(err)
	}
	return cs, &seen
}

func TestTypedClientSpeaksTheRESTProtocol(t *testing.T) {
	ctx := context.Background()
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "ns", ResourceVersion: "5"}}
	cases := []struct {
		name              string
		call              func(cs *Clientset) error
		method, path, qry string
		bodyType          string
	}{
		{"create posts to the collection", func(cs *Clientset) error {
			_, err := cs.CoreV1().Pods("ns").Create(ctx, pod, metav1.CreateOptions{FieldManager: "m"})
			return err
		}, "POST", "/api/v1/namespaces/ns/pods", "fieldManager=m", runtime.ContentTypeProtobuf},
		{"get reads the object", func(cs *Clientset) error {
			p, err := cs.CoreV1().Pods("ns").Get(ctx, "p", metav1.GetOptions{})
			if err == nil && p.Name != "p" {
				t.Errorf("get returned %q", p.Name)
			}
			return err
		}, "GET", "/api/v1/namespaces/ns/pods/p", "", ""},
		{"list sends selectors and paging", func(cs *Clientset) error {
			l, err := cs.CoreV1().Pods("").List(ctx, metav1.ListOptions{LabelSelector: "app=x", Limit: 2})
			if err == nil && (len(l.Items) != 1 || l.ResourceVersion != "9") {
				t.Errorf("list = %+v", l)
			}
			return err
		}, "GET", "/api/v1/pods", "labelSelector=app%3Dx&limit=2", ""},
		{"update puts the object", func(cs *Clientset) error {
			_, err := cs.CoreV1().Pods("ns").Update(ctx, pod, metav1.UpdateOptions{})
			return err
		}, "PUT", "/api/v1/namespaces/ns/pods/p", "", runtime.ContentTypeProtobuf},
		{"updateStatus puts the status subresource", func(cs *Clientset) error {
			_, err := cs.CoreV1().Pods("ns").UpdateStatus(ctx, pod, metav1.UpdateOptions{})
			return err
		}, "PUT", "/api/v1/namespaces/ns/pods/p/status", "", runtime.ContentTypeProtobuf},
		{"patch sends the patch type", func(cs *Clientset) error {
			_, err := cs.CoreV1().Pods("ns").Patch(ctx, "p", types.StrategicMergePatchType, []byte(`{}`), metav1.PatchOptions{})
			return err
		}, "PATCH", "/api/v1/namespaces/ns/pods/p", "", string(types.StrategicMergePatchType)},
		{"apply sends an apply patch with the field manager", func(cs *Clientset) error {
			_, err := cs.CoreV1().Pods("ns").Apply(ctx, pod, "ctl", true)
			return err
		}, "PATCH", "/api/v1/namespaces/ns/pods/p", "fieldManager=ctl&force=true", string(types.ApplyPatchType)},
		{"delete sends DeleteOptions", func(cs *Clientset) error {
			grace := int64(0)
			return cs.CoreV1().Pods("ns").Delete(ctx, "p", metav1.DeleteOptions{GracePeriodSeconds: &grace})
		}, "DELETE", "/api/v1/namespaces/ns/pods/p", "", "application/json"},
		{"deleteCollection deletes with a selector", func(cs *Clientset) error {
			return cs.CoreV1().Pods("ns").DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{LabelSelector: "a=b"})
		}, "DELETE", "/api/v1/namespaces/ns/pods", "labelSelector=a%3Db", "application/json"},
		{"cluster-scoped kinds ignore namespaces", func(cs *Clientset) error {
			_, err := cs.CoreV1().Nodes().Get(ctx, "n1", metav1.GetOptions{})
			return err
		}, "GET", "/api/v1/nodes/n1", "", ""},
		{"grouped kinds use /apis", func(cs *Clientset) error {
			_, err := cs.AppsV1().Deployments("ns").Get(ctx, "d", metav1.GetOptions{})
			return err
		}, "GET", "/apis/apps/v1/namespaces/ns/deployments/d", "", ""},
		{"getScale reads the scale subresource", func(cs *Clientset) error {
			_, err := cs.AppsV1().Deployments("ns").GetScale(ctx, "d")
			return err
		}, "GET", "/apis/apps/v1/namespaces/ns/deployments/d/scale", "", ""},
		{"bind posts a Binding", func(cs *Clientset) error {
			return cs.CoreV1().Pods("ns").Bind(ctx, &corev1.Binding{ObjectMeta: metav1.ObjectMeta{Name: "p"}, Target: corev1.ObjectReference{Name: "n1"}}, metav1.CreateOptions{})
		}, "POST", "/api/v1/namespaces/ns/pods/p/binding", "", runtime.ContentTypeProtobuf},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cs, seen := newServer(t, runtime.ContentTypeProtobuf, func(r recorded) (int, runtime.Object) {
				switch {
				case strings.HasSuffix(r.path, "/scale"):
					return 200, &autoscalingv1.Scale{ObjectMeta: metav1.ObjectMeta{Name: "d"}}
				case strings.Contains(r.path, "deployments"):
					return 200, &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "d"}}
				case strings.Contains(r.path, "nodes"):
					return 200, &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "n1"}}
				case r.method == "DELETE" || strings.HasSuffix(r.path, "/binding"):
					return 200, &metav1.Status{Status: metav1.StatusSuccess}
				case r.method == "GET" && strings.HasSuffix(r.path, "/pods"):
					return 200, &corev1.PodList{ListMeta: metav1.ListMeta{ResourceVersion: "9"}, Items: []corev1.Pod{*pod}}
				}
				return 200, pod
			})
			if err := tc.call(cs); err != nil {
				t.Fatal(err)
			}
			if len(*seen) != 1 {
				t.Fatalf("%d requests", len(*seen))
			}
			r := (*seen)[0]
			if r.method != tc.method || r.path != tc.path || r.query != tc.qry || r.contentType != tc.bodyType {
				t.Errorf("request = %s %s?%s (%s), want %s %s?%s (%s)", r.method, r.path, r.query, r.contentType, tc.method, tc.path, tc.qry, tc.bodyType)
			}
			if r.method == "DELETE" {
				var do map[string]any
				if err := json.Unmarshal(r.body, &do); err != nil || do["kind"] != "DeleteOptions" {
					t.Errorf("delete body = %s", r.body)
				}
			}
		})
	}
}

func TestTypedClientReturnsStatusErrors(t *testing.T) {
	cs, _ := newServer(t, runtime.ContentTypeJSON, func(r recorded) (int, runtime.Object) {
		return 404, &apierrors.NewNotFound(corev1.Resource("pods"), "gone").ErrStatus
	})
	_, err := cs.CoreV1().Pods("ns").Get(context.Background(), "gone", metav1.GetOptions{})
	if !apierrors.IsNotFound(err) {
		t.Fatalf("err = %v, want NotFound", err)
	}
}

func TestForResolvesResourcesFromTheScheme(t *testing.T) {
	cs := NewFromREST(mustREST(t))
	cases := []struct {
		name string
		gvr  string
	}{
		{"pods", cs.CoreV1().Pods("x").GroupVersionResource().String()},
		{"deployments", cs.AppsV1().Deployments("x").GroupVersionResource().String()},
		{"leases", cs.CoordinationV1().Leases("x").GroupVersionResource().String()},
		{"clusterroles", cs.RbacV1().ClusterRoles().GroupVersionResource().String()},
	}
	want := map[string]string{
		"pods": "/v1, Resource=pods", "deployments": "apps/v1, Resource=deployments",
		"leases": "coordination.k8s.io/v1, Resource=leases", "clusterroles": "rbac.authorization.k8s.io/v1, Resource=clusterroles",
	}
	for _, tc := range cases {
		t.Run("the "+tc.name+" resource", func(t *testing.T) {
			if tc.gvr != want[tc.name] {
				t.Errorf("gvr = %q, want %q", tc.gvr, want[tc.name])
			}
		})
	}
}

func mustREST(t *testing.T) *rest.Client {
	t.Helper()
	rc, err := rest.New(&rest.Config{Host: "https://x"})
	if err != nil {
		t.Fatal(err)
	}
	return rc
}
