package endpoints

import (
	"strings"
	"testing"

	appsv1 "keel.dev/api/apps/v1"
	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
)

func newDeployment(replicas int32) *appsv1.Deployment {
	lbls := map[string]string{"app": "web"}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "demo", Labels: lbls,
			Annotations: map[string]string{"deployment.kubernetes.io/revision": "2"}},
		Spec: appsv1.DeploymentSpec{
			Replicas: &replicas,
			Selector: &metav1.LabelSelector{MatchLabels: lbls},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: lbls},
				Spec: corev1.PodSpec{Containers: []corev1.Container{
					{Name: "main", Image: "local/busybox:1", Command: []string{"sleep", "3600"}},
					{Name: "side", Image: "side:1"},
				}},
			},
		},
	}
}

func TestPatch(t *testing.T) {
	const deploy = "/apis/apps/v1/namespaces/demo/deployments/web"
	tests := []struct {
		name        string
		path        string
		contentType string
		body        string
		code        int
		contains    string
		warning     string
		check       func(t *testing.T, d *appsv1.Deployment)
	}{
		{name: "a merge patch adds a label as kubectl label sends it", path: deploy + "?fieldManager=kubectl-label",
			contentType: "application/merge-patch+json", body: `{"metadata":{"labels":{"tier":"frontend"}}}`, code: 200,
			check: func(t *testing.T, d *appsv1.Deployment) {
				if d.Labels["tier"] != "frontend" || d.Labels["app"] != "web" {
					t.Fatalf("labels %v", d.Labels)
				}
				var found bool
				for _, e := range d.ManagedFields {
					if e.Manager == "kubectl-label" && strings.Contains(string(e.FieldsV1.Raw), `"f:tier"`) {
						found = true
					}
				}
				if !found {
					t.Fatalf("kubectl-label owns nothing: %+v", d.ManagedFields)
				}
			}},
		{name: "a strategic merge patch changes one container by name", path: deploy + "?fieldManager=kubectl-client-side-apply&fieldValidation=Strict",
			contentType: "application/strategic-merge-patch+json",
			body:        `{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"main"},{"name":"side"}],"containers":[{"image":"local/busybox:2","name":"main"}]}}}}`,
			code:        200,
			check: func(t *testing.T, d *appsv1.Deployment) {
				c := d.Spec.Template.Spec.Containers
				if len(c) != 2 || c[0].Image != "local/busybox:2" || c[0].Command[0] != "sleep" || c[1].Image != "side:1" {
					t.Fatalf("containers %+v", c)
				}
			}},
		{name: "a strategic merge patch with null removes a field as uncordon does", path: deploy,
			contentType: "application/strategic-merge-patch+json", body: `{"spec":{"replicas":null,"paused":true}}`, code: 200,
			check: func(t *testing.T, d *appsv1.Deployment) {
				if !d.Spec.Paused {
					t.Fatalf("not paused: %+v", d.Spec)
				}
			}},
		{name: "a JSON patch replaces the template as rollout undo sends it", path: deploy,
			contentType: "application/json-patch+json",
			body: `[{"op":"replace","path":"/spec/template","value":{"metadata":{"creationTimestamp":null,"labels":{"app":"web"}},"spec":{"containers":[{"name":"main","image":"local/busybox:1","command":["sleep","3600"],"resources":{}}]}}},` +
				`{"op":"replace","path":"/metadata/annotations","value":{"deployment.kubernetes.io/revision":"3"}}]`,
			code: 200,
			check: func(t *testing.T, d *appsv1.Deployment) {
				c := d.Spec.Template.Spec.Containers
				if len(c) != 1 || c[0].Image != "local/busybox:1" || d.Annotations["deployment.kubernetes.io/revision"] != "3" {
					t.Fatalf("deployment %+v %v", c, d.Annotations)
				}
			}},
		{name: "a failing JSON patch test is Unprocessable", path: deploy, contentType: "application/json-patch+json",
			body: `[{"op":"test","path":"/spec/replicas","value":7}]`, code: 422},
		{name: "a plain JSON content type is 415", path: deploy, contentType: "application/json", body: `{}`, code: 415,
			contains: "415: Unsupported Media Type"},
		{name: "a malformed patch is a BadRequest", path: deploy, contentType: "application/merge-patch+json", body: `{nope`, code: 400},
		{name: "a patch of a missing object is NotFound", path: "/apis/apps/v1/namespaces/demo/deployments/nosuch",
			contentType: "application/merge-patch+json", body: `{"spec":{"replicas":1}}`, code: 404,
			contains: `deployments.apps "nosuch" not found`},
		{name: "a patch renaming the object is refused", path: deploy, contentType: "application/merge-patch+json",
			body: `{"metadata":{"name":"other"}}`, code: 400, contains: "does not match the name on the URL"},
		{name: "unknown fields of a patch fail with Strict", path: deploy + "?fieldValidation=Strict", contentType: "application/merge-patch+json",
			body: `{"spec":{"foo":1}}`, code: 400, contains: `strict decoding error: unknown field "spec.foo"`},
		{name: "unknown fields of a patch warn by default", path: deploy, contentType: "application/merge-patch+json",
			body: `{"spec":{"foo":1}}`, code: 200, warning: `299 - "unknown field \"spec.foo\""`},
		{name: "force on a non-apply patch is Invalid", path: deploy + "?force=true", contentType: "application/merge-patch+json",
			body: `{}`, code: 422, contains: "force: Forbidden"},
		{name: "a merge patch on the scale-less status path updates through the status storage", path: "/api/v1/namespaces/demo/pods/p1/status",
			contentType: "application/merge-patch+json", body: `{"status":{"phase":"Running"}}`, code: 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.deploys.put(newDeployment(3))
			e.pods.put(newPod("demo", "p1", nil))
			w := e.do("PATCH", tc.path, []byte(tc.body), "Content-Type", tc.contentType)
			if w.Code != tc.code {
				t.Fatalf("code %d, want %d: %s", w.Code, tc.code, w.Body.String())
			}
			if got := w.Header().Get("Warning"); got != tc.warning {
				t.Fatalf("Warning %q, want %q", got, tc.warning)
			}
			if tc.code != 200 {
				if s := status(t, w); !strings.Contains(s.Message, tc.contains) || int(s.Code) != tc.code {
					t.Fatalf("status %+v lacks %q", s, tc.contains)
				}
				return
			}
			m := decodeMap(t, w)
			if m["apiVersion"] == nil || m["kind"] == nil {
				t.Fatalf("answer lacks its kind: %v", m)
			}
			if tc.check != nil {
				tc.check(t, e.deploys.stored("demo", "web").(*appsv1.Deployment))
			}
		})
	}
}

func TestPatchNodeCordon(t *testing.T) {
	e := newEnv(t)
	e.nodes.put(&corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "node-1"}})
	for _, tc := range []struct {
		body string
		want bool
	}{{`{"spec":{"unschedulable":true}}`, true}, {`{"spec":{"unschedulable":null}}`, false}} {
		w := e.do("PATCH", "/api/v1/nodes/node-1", []byte(tc.body), "Content-Type", "application/strategic-merge-patch+json",
			"Accept", "application/vnd.kubernetes.protobuf,application/json")
		if w.Code != 200 {
			t.Fatalf("code %d: %s", w.Code, w.Body.String())
		}
		if got := e.nodes.stored("", "node-1").(*corev1.Node).Spec.Unschedulable; got != tc.want {
			t.Fatalf("%s: unschedulable %v", tc.body, got)
		}
	}
}

func TestApply(t *testing.T) {
	e := newEnv(t)
	const path = "/apis/apps/v1/namespaces/demo/deployments/web"
	manifest := func(replicas string) []byte {
		return []byte(`{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"labels":{"app":"web"},"name":"web","namespace":"demo"},` +
			`"spec":{"replicas":` + replicas + `,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},` +
			`"spec":{"containers":[{"command":["sleep","3600"],"image":"local/busybox:1","name":"main"}]}}}}`)
	}
	apply := func(query string, body []byte) (int, map[string]any) {
		w := e.do("PATCH", path+query, body, "Content-Type", "application/apply-patch+yaml")
		return w.Code, decodeMap(t, w)
	}

	t.Run("apply creates a missing object with 201", func(t *testing.T) {
		code, m := apply("?fieldManager=kubectl&fieldValidation=Strict&force=false", manifest("3"))
		if code != 201 || dig(m, "spec", "replicas") != float64(3) {
			t.Fatalf("code %d body %v", code, m)
		}
		d := e.deploys.stored("demo", "web").(*appsv1.Deployment)
		if len(d.ManagedFields) != 1 || d.ManagedFields[0].Manager != "kubectl" || d.ManagedFields[0].Operation != metav1.ManagedFieldsOperationApply ||
			d.ManagedFields[0].APIVersion != "apps/v1" {
			t.Fatalf("managedFields %+v", d.ManagedFields)
		}
	})
	t.Run("a second apply updates with 200", func(t *testing.T) {
		code, m := apply("?fieldManager=kubectl&fieldValidation=Strict&force=false", manifest("2"))
		if code != 200 || dig(m, "spec", "replicas") != float64(2) {
			t.Fatalf("code %d body %v", code, m)
		}
	})
	t.Run("another manager takes spec.replicas by a merge patch", func(t *testing.T) {
		w := e.do("PATCH", path+"?fieldManager=kubectl-scale", []byte(`{"spec":{"replicas":5}}`), "Content-Type", "application/merge-patch+json")
		if w.Code != 200 {
			t.Fatalf("code %d: %s", w.Code, w.Body.String())
		}
	})
	t.Run("applying a field another manager owns is a Conflict with causes", func(t *testing.T) {
		w := e.do("PATCH", path+"?fieldManager=kubectl&force=false", manifest("2"), "Content-Type", "application/apply-patch+yaml")
		if w.Code != 409 {
			t.Fatalf("code %d: %s", w.Code, w.Body.String())
		}
		s := status(t, w)
		want := `Apply failed with 1 conflict: conflict with "kubectl-scale" using apps/v1: .spec.replicas`
		if s.Reason != metav1.StatusReasonConflict || s.Message != want || s.Details == nil || len(s.Details.Causes) != 1 {
			t.Fatalf("status %+v", s)
		}
		c := s.Details.Causes[0]
		if c.Type != metav1.CauseTypeFieldManagerConflict || c.Field != ".spec.replicas" || c.Message != `conflict with "kubectl-scale" using apps/v1` {
			t.Fatalf("cause %+v", c)
		}
		if *e.deploys.stored("demo", "web").(*appsv1.Deployment).Spec.Replicas != 5 {
			t.Fatal("a conflicting apply changed the object")
		}
	})
	t.Run("force takes the field over", func(t *testing.T) {
		code, m := apply("?fieldManager=kubectl&force=true", manifest("2"))
		if code != 200 || dig(m, "spec", "replicas") != float64(2) {
			t.Fatalf("code %d body %v", code, m)
		}
	})
	t.Run("a YAML apply body works", func(t *testing.T) {
		body := "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels:\n    tier: x\n"
		code, m := apply("?fieldManager=other", []byte(body))
		if code != 200 || dig(m, "metadata", "labels", "tier") != "x" || dig(m, "spec", "replicas") != float64(2) {
			t.Fatalf("code %d body %v", code, m)
		}
	})
	t.Run("apply without a fieldManager is Invalid", func(t *testing.T) {
		code, m := apply("", manifest("2"))
		if code != 422 || !strings.Contains(m["message"].(string), "fieldManager: Required value: is required for apply patch") {
			t.Fatalf("code %d body %v", code, m)
		}
	})
	t.Run("apply of another kind is refused", func(t *testing.T) {
		code, _ := apply("?fieldManager=kubectl", []byte(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"web"}}`))
		if code != 400 {
			t.Fatalf("code %d", code)
		}
	})
	t.Run("apply with unknown fields fails with Strict", func(t *testing.T) {
		code, m := apply("?fieldManager=kubectl&fieldValidation=Strict", []byte(`{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"foo":1}}`))
		if code != 400 || !strings.Contains(m["message"].(string), `unknown field "spec.foo"`) {
			t.Fatalf("code %d body %v", code, m)
		}
	})
}
