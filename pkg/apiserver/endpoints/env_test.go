package endpoints

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	appsv1 "keel.dev/api/apps/v1"
	corev1 "keel.dev/api/core/v1"
	"keel.dev/api/install"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/runtime/serializer"

	"keel.dev/keel/pkg/apiserver/registry/rest"
)

const tableAccept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"

// storageMap serves storages by resource and subresource.
type storageMap map[schema.GroupVersionResource]map[string]rest.Storage

func (m storageMap) For(gvr schema.GroupVersionResource, sub string) (rest.Storage, bool) {
	s, ok := m[gvr][sub]
	return s, ok
}

// env is a handler over fake storages of a few resources.
type env struct {
	t       *testing.T
	h       http.Handler
	codecs  *serializer.CodecFactory
	scheme  *runtime.Scheme
	pods    *fakeStore
	cms     *fakeStore
	deploys *fakeStore
	nss     *fakeStore
	nodes   *fakeStore
}

func newEnv(t *testing.T, mutate ...func(*Config)) *env {
	t.Helper()
	scheme := install.NewScheme()
	codecs := serializer.NewCodecFactory(scheme)
	rv := int64(100)
	e := &env{t: t, scheme: scheme, codecs: codecs}
	e.pods = newFakeStore(schema.GroupResource{Resource: "pods"}, &rv,
		func() runtime.Object { return &corev1.Pod{} }, func() runtime.Object { return &corev1.PodList{} })
	e.pods.returnDeleted = true
	e.cms = newFakeStore(schema.GroupResource{Resource: "configmaps"}, &rv,
		func() runtime.Object { return &corev1.ConfigMap{} }, func() runtime.Object { return &corev1.ConfigMapList{} })
	e.deploys = newFakeStore(schema.GroupResource{Group: "apps", Resource: "deployments"}, &rv,
		func() runtime.Object { return &appsv1.Deployment{} }, func() runtime.Object { return &appsv1.DeploymentList{} })
	e.nss = newFakeStore(schema.GroupResource{Resource: "namespaces"}, &rv,
		func() runtime.Object { return &corev1.Namespace{} }, func() runtime.Object { return &corev1.NamespaceList{} })
	e.nodes = newFakeStore(schema.GroupResource{Resource: "nodes"}, &rv,
		func() runtime.Object { return &corev1.Node{} }, func() runtime.Object { return &corev1.NodeList{} })
	core := func(r string) schema.GroupVersionResource {
		return schema.GroupVersionResource{Version: "v1", Resource: r}
	}
	storages := storageMap{
		core("pods"):       {"": e.pods, "status": e.pods},
		core("configmaps"): {"": e.cms},
		core("namespaces"): {"": noCollectionDelete{e.nss}},
		core("nodes"):      {"": e.nodes},
		{Group: "apps", Version: "v1", Resource: "deployments"}: {"": e.deploys},
	}
	cfg := Config{
		Scheme:   scheme,
		Codecs:   codecs,
		Storages: storages,
		Tables: func(gr schema.GroupResource) rest.TableConvertor {
			if gr.Resource == "pods" {
				return podTable{}
			}
			return nil
		},
		MaxRequestBodyBytes: 64 * 1024,
		Now:                 func() time.Time { return time.Date(2026, 11, 27, 3, 0, 0, 0, time.UTC) },
	}
	for _, m := range mutate {
		m(&cfg)
	}
	e.h = New(cfg)
	return e
}

// do sends a request; headers come in name, value pairs.
func (e *env) do(method, path string, body []byte, headers ...string) *httptest.ResponseRecorder {
	e.t.Helper()
	var r *http.Request
	if body != nil {
		r = httptest.NewRequest(method, path, bytes.NewReader(body))
	} else {
		r = httptest.NewRequest(method, path, nil)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		r.Header.Set(headers[i], headers[i+1])
	}
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, r)
	return w
}

// doCtx sends a request with a context (for watches).
func (e *env) doCtx(ctx context.Context, method, path string, headers ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, path, nil).WithContext(ctx)
	for i := 0; i+1 < len(headers); i += 2 {
		r.Header.Set(headers[i], headers[i+1])
	}
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, r)
	return w
}

// decodeMap decodes a JSON response body.
func decodeMap(t *testing.T, w *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil {
		t.Fatalf("response is not JSON (%d): %v: %s", w.Code, err, w.Body.String())
	}
	return m
}

// status decodes a Status response.
func status(t *testing.T, w *httptest.ResponseRecorder) metav1.Status {
	t.Helper()
	var s metav1.Status
	if err := json.Unmarshal(w.Body.Bytes(), &s); err != nil {
		t.Fatalf("response is not a Status (%d): %v: %s", w.Code, err, w.Body.String())
	}
	return s
}

// path digs into decoded JSON: strings are keys, ints indexes.
func dig(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// podTable is a stub pod printer with the columns of Kubernetes' pods table.
type podTable struct{}

var podColumns = []metav1.TableColumnDefinition{
	{Name: "Name", Type: "string", Format: "name", Description: "Name must be unique within a namespace.", Priority: 0},
	{Name: "Ready", Type: "string", Description: "The aggregate readiness state of this pod.", Priority: 0},
	{Name: "Status", Type: "string", Description: "The aggregate status of the containers in this pod.", Priority: 0},
	{Name: "Restarts", Type: "string", Description: "The number of times the containers in this pod have been restarted.", Priority: 0},
	{Name: "Age", Type: "string", Description: "CreationTimestamp is a timestamp.", Priority: 0},
	{Name: "IP", Type: "string", Description: "podIP address allocated to the pod.", Priority: 1},
	{Name: "Node", Type: "string", Description: "NodeName indicates in which node this pod is scheduled.", Priority: 1},
	{Name: "Nominated Node", Type: "string", Description: "nominatedNodeName is set only when this pod preempts other pods.", Priority: 1},
	{Name: "Readiness Gates", Type: "string", Description: "If specified, all readiness gates will be evaluated.", Priority: 1},
}

func (podTable) ConvertToTable(_ context.Context, obj runtime.Object, _ *metav1.TableOptions) (*metav1.Table, error) {
	var pods []*corev1.Pod
	switch o := obj.(type) {
	case *corev1.Pod:
		pods = []*corev1.Pod{o}
	case *corev1.PodList:
		for i := range o.Items {
			pods = append(pods, &o.Items[i])
		}
	}
	tbl := &metav1.Table{ColumnDefinitions: podColumns}
	for _, p := range pods {
		tbl.Rows = append(tbl.Rows, metav1.TableRow{
			Cells:  []any{p.Name, "0/1", "Pending", "0", "2s", "<none>", "<none>", "<none>", "<none>"},
			Object: runtime.RawExtension{Object: p},
		})
	}
	return tbl, nil
}

func newPod(ns, name string, lbls map[string]string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: lbls},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "main", Image: "busybox"}}},
	}
}
