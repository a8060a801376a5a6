package registry_test

import (
	"regexp"
	"strings"
	"testing"

	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/fields"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/apimachinery/pkg/runtime"

	corev1 "keel.dev/api/core/v1"

	"keel.dev/keel/pkg/apiserver/registry/rest"
)

var uuidV4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestCreate(t *testing.T) {
	e := newEnv(t, "")
	ns := e.namespace("app")
	t.Run("a namespace gets the kubernetes finalizer and phase Active", func(t *testing.T) {
		if len(ns.Spec.Finalizers) != 1 || ns.Spec.Finalizers[0] != corev1.FinalizerKubernetes || ns.Status.Phase != corev1.NamespaceActive {
			t.Fatalf("got %+v %+v", ns.Spec, ns.Status)
		}
	})
	pod := e.mustCreate(podsGVR, "app", newPod("app", "web-1")).(*corev1.Pod)
	t.Run("a created pod has uid, creationTimestamp, generation, resourceVersion, phase and QoS", func(t *testing.T) {
		if !uuidV4.MatchString(string(pod.UID)) || pod.CreationTimestamp.IsZero() || pod.Generation != 1 || pod.ResourceVersion == "" {
			t.Fatalf("got %+v", pod.ObjectMeta)
		}
		if pod.Status.Phase != corev1.PodPending || pod.Status.QOSClass != corev1.PodQOSBestEffort {
			t.Fatalf("got status %+v", pod.Status)
		}
	})
	t.Run("creating the same name again is 409 AlreadyExists", func(t *testing.T) {
		_, err := e.create(podsGVR, "app", newPod("app", "web-1"))
		if !apierrors.IsAlreadyExists(err) || code(err) != 409 {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("generateName appends five characters of the Kubernetes alphabet", func(t *testing.T) {
		p := newPod("app", "")
		p.GenerateName = "gen-"
		out := e.mustCreate(podsGVR, "app", p).(*corev1.Pod)
		if !regexp.MustCompile(`^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$`).MatchString(out.Name) {
			t.Fatalf("got name %q", out.Name)
		}
	})
	t.Run("a namespace differing from the request's is 400", func(t *testing.T) {
		_, err := e.create(podsGVR, "other", newPod("app", "x"))
		if code(err) != 400 || !strings.Contains(err.Error(), "does not match the namespace sent on the request") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("a missing namespace is 404", func(t *testing.T) {
		_, err := e.create(podsGVR, "nope", newPod("nope", "x"))
		if code(err) != 404 || err.Error() != `namespaces "nope" not found` {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("an invalid pod is 422 with causes", func(t *testing.T) {
		p := newPod("app", "bad")
		p.Spec.Containers = nil
		_, err := e.create(podsGVR, "app", p)
		if !apierrors.IsInvalid(err) || code(err) != 422 || !strings.HasPrefix(err.Error(), `Pod "bad" is invalid`) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("dryRun create answers the object and stores nothing", func(t *testing.T) {
		out, err := e.storage(podsGVR, "").(rest.Creater).Create(nsCtx("app"), newPod("app", "dry"),
			&metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
		if err != nil || out.(*corev1.Pod).UID == "" {
			t.Fatalf("got %v %v", out, err)
		}
		if _, err := e.get(podsGVR, "app", "dry"); !apierrors.IsNotFound(err) {
			t.Fatalf("dry-run pod was stored: %v", err)
		}
	})
	t.Run("a cluster-scoped object loses a namespace", func(t *testing.T) {
		n := e.mustCreate(corev1.SchemeGroupVersion.WithResource("nodes"), "",
			&corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "n1", Namespace: "x"}}).(*corev1.Node)
		if n.Namespace != "" {
			t.Fatalf("got namespace %q", n.Namespace)
		}
	})
}

func TestUpdate(t *testing.T) {
	e := newEnv(t, "")
	e.namespace("app")
	pod := e.mustCreate(podsGVR, "app", newPod("app", "p")).(*corev1.Pod)
	t.Run("a stale resourceVersion is 409 Conflict", func(t *testing.T) {
		_, _, err := e.update(podsGVR, "", "app", "p", func(o runtime.Object) runtime.Object {
			p := o.(*corev1.Pod)
			p.ResourceVersion = "1"
			p.Labels["x"] = "y"
			return p
		})
		if !apierrors.IsConflict(err) || !strings.Contains(err.Error(), apierrors.OptimisticLockErrorMsg) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("a label change keeps generation; the main resource keeps status", func(t *testing.T) {
		out, _, err := e.update(podsGVR, "", "app", "p", func(o runtime.Object) runtime.Object {
			p := o.(*corev1.Pod)
			p.Labels["x"] = "y"
			p.Status.Phase = corev1.PodRunning
			return p
		})
		if err != nil {
			t.Fatal(err)
		}
		p := out.(*corev1.Pod)
		if p.Generation != 1 || p.Status.Phase != corev1.PodPending || p.Labels["x"] != "y" || p.ResourceVersion == pod.ResourceVersion {
			t.Fatalf("got gen %d phase %s labels %v", p.Generation, p.Status.Phase, p.Labels)
		}
	})
	t.Run("a spec change bumps generation", func(t *testing.T) {
		out, _, err := e.update(podsGVR, "", "app", "p", func(o runtime.Object) runtime.Object {
			p := o.(*corev1.Pod)
			p.Spec.Containers[0].Image = "nginx:2"
			return p
		})
		if err != nil {
			t.Fatal(err)
		}
		if g := out.(*corev1.Pod).Generation; g != 2 {
			t.Fatalf("generation %d", g)
		}
	})
	t.Run("a no-op update writes nothing", func(t *testing.T) {
		cur, _ := e.get(podsGVR, "app", "p")
		out, _, err := e.update(podsGVR, "", "app", "p", func(o runtime.Object) runtime.Object { return o })
		if err != nil || out.(*corev1.Pod).ResourceVersion != cur.(*corev1.Pod).ResourceVersion {
			t.Fatalf("got %v, rv %s vs %s", err, out.(*corev1.Pod).ResourceVersion, cur.(*corev1.Pod).ResourceVersion)
		}
	})
	t.Run("the status subresource writes status and keeps spec", func(t *testing.T) {
		out, _, err := e.update(podsGVR, "status", "app", "p", func(o runtime.Object) runtime.Object {
			p := o.(*corev1.Pod)
			p.Status.Phase = corev1.PodRunning
			p.Spec.Containers[0].Image = "other"
			return p
		})
		if err != nil {
			t.Fatal(err)
		}
		p := out.(*corev1.Pod)
		if p.Status.Phase != corev1.PodRunning || p.Spec.Containers[0].Image != "nginx:2" || p.Generation != 2 {
			t.Fatalf("got phase %s image %s gen %d", p.Status.Phase, p.Spec.Containers[0].Image, p.Generation)
		}
	})
	t.Run("a different uid is 422", func(t *testing.T) {
		_, _, err := e.update(podsGVR, "", "app", "p", func(o runtime.Object) runtime.Object {
			p := o.(*corev1.Pod)
			p.UID = "other"
			return p
		})
		if code(err) != 422 {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("updating a missing object is 404", func(t *testing.T) {
		_, _, err := e.update(podsGVR, "", "app", "ghost", func(o runtime.Object) runtime.Object { return o })
		if code(err) != 404 || err.Error() != `pods "ghost" not found` {
			t.Fatalf("got %v", err)
		}
	})
}

func TestListAndSelectors(t *testing.T) {
	e := newEnv(t, "")
	e.namespace("a")
	e.namespace("b")
	for _, n := range []string{"p1", "p2"} {
		e.mustCreate(podsGVR, "a", newPod("a", n))
	}
	other := newPod("b", "p3")
	other.Labels = map[string]string{"app": "db"}
	other.Spec.NodeName = "node-1"
	e.mustCreate(podsGVR, "b", other)
	lister := e.storage(podsGVR, "").(rest.Lister)
	list := func(ns string, opts *rest.ListOptions) (*corev1.PodList, error) {
		out, err := lister.List(nsCtx(ns), opts)
		if err != nil {
			return nil, err
		}
		return out.(*corev1.PodList), nil
	}
	cases := []struct {
		name string
		ns   string
		opts *rest.ListOptions
		want int
	}{
		{"one namespace lists its pods", "a", &rest.ListOptions{}, 2},
		{"all namespaces list every pod", "", &rest.ListOptions{}, 3},
		{"a label selector filters", "", &rest.ListOptions{LabelSelector: labels.SelectorFromSet(labels.Set{"app": "db"})}, 1},
		{"spec.nodeName selects bound pods", "", &rest.ListOptions{FieldSelector: fields.OneTermEqualSelector("spec.nodeName", "node-1")}, 1},
		{"metadata.name selects one pod", "a", &rest.ListOptions{FieldSelector: fields.OneTermEqualSelector("metadata.name", "p2")}, 1},
		{"status.phase selects pending pods", "", &rest.ListOptions{FieldSelector: fields.OneTermEqualSelector("status.phase", "Pending")}, 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l, err := list(tc.ns, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if len(l.Items) != tc.want || l.ResourceVersion == "" {
				t.Fatalf("got %d items rv %q", len(l.Items), l.ResourceVersion)
			}
		})
	}
	t.Run("an unsupported field selector is 400", func(t *testing.T) {
		_, err := list("", &rest.ListOptions{FieldSelector: fields.OneTermEqualSelector("spec.foo", "x")})
		if code(err) != 400 || err.Error() != "field label not supported: spec.foo" {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("limit pages the list with a continue token", func(t *testing.T) {
		l, err := list("", &rest.ListOptions{Limit: 2})
		if err != nil || len(l.Items) != 2 || l.Continue == "" {
			t.Fatalf("got %v %+v", err, l)
		}
		l2, err := list("", &rest.ListOptions{Limit: 2, Continue: l.Continue})
		if err != nil || len(l2.Items) != 1 {
			t.Fatalf("got %v %+v", err, l2)
		}
	})
}
