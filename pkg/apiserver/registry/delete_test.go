package registry_test

import (
	"context"
	"strings"
	"testing"

	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/util/intstr"

	appsv1 "keel.dev/api/apps/v1"
	autoscalingv1 "keel.dev/api/autoscaling/v1"
	corev1 "keel.dev/api/core/v1"
	policyv1 "keel.dev/api/policy/v1"

	"keel.dev/keel/pkg/apiserver/registry/rest"
)

var cmGVR = corev1.SchemeGroupVersion.WithResource("configmaps")

func TestDelete(t *testing.T) {
	e := newEnv(t, "")
	e.namespace("app")
	t.Run("an object without finalizers is removed and answered with a Success Status", func(t *testing.T) {
		e.mustCreate(cmGVR, "app", &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "plain"}})
		out, immediate, err := e.del(cmGVR, "app", "plain", nil)
		if err != nil || !immediate {
			t.Fatalf("got %v %v", immediate, err)
		}
		if st, ok := out.(*metav1.Status); !ok || st.Status != metav1.StatusSuccess || st.Details.Name != "plain" {
			t.Fatalf("got %#v", out)
		}
		if _, err := e.get(cmGVR, "app", "plain"); !apierrors.IsNotFound(err) {
			t.Fatalf("still there: %v", err)
		}
	})
	t.Run("an object with finalizers is marked and kept; removing the last finalizer deletes it", func(t *testing.T) {
		e.mustCreate(cmGVR, "app", &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "fin", Finalizers: []string{"example.com/x"}}})
		out, immediate, err := e.del(cmGVR, "app", "fin", nil)
		if err != nil || immediate {
			t.Fatalf("got %v %v", immediate, err)
		}
		cm := out.(*corev1.ConfigMap)
		if cm.DeletionTimestamp == nil || cm.DeletionGracePeriodSeconds == nil || *cm.DeletionGracePeriodSeconds != 0 {
			t.Fatalf("not marked: %+v", cm.ObjectMeta)
		}
		_, _, err = e.update(cmGVR, "", "app", "fin", func(o runtime.Object) runtime.Object {
			o.(*corev1.ConfigMap).Finalizers = nil
			return o
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.get(cmGVR, "app", "fin"); !apierrors.IsNotFound(err) {
			t.Fatalf("still there: %v", err)
		}
	})
	for _, tc := range []struct {
		policy metav1.DeletionPropagation
		want   string
	}{
		{metav1.DeletePropagationForeground, metav1.FinalizerDeleteDependents},
		{metav1.DeletePropagationOrphan, metav1.FinalizerOrphanDependents},
	} {
		t.Run("propagationPolicy "+string(tc.policy)+" adds the "+tc.want+" finalizer", func(t *testing.T) {
			name := strings.ToLower(string(tc.policy))
			e.mustCreate(cmGVR, "app", &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name}})
			p := tc.policy
			out, immediate, err := e.del(cmGVR, "app", name, &metav1.DeleteOptions{PropagationPolicy: &p})
			if err != nil || immediate {
				t.Fatalf("got %v %v", immediate, err)
			}
			cm := out.(*corev1.ConfigMap)
			if len(cm.Finalizers) != 1 || cm.Finalizers[0] != tc.want || cm.DeletionTimestamp == nil {
				t.Fatalf("got %+v", cm.ObjectMeta)
			}
		})
	}
	t.Run("a uid precondition that does not hold is 409", func(t *testing.T) {
		e.mustCreate(cmGVR, "app", &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "pre"}})
		_, _, err := e.del(cmGVR, "app", "pre", metav1.NewPreconditionDeleteOptions("wrong"))
		if !apierrors.IsConflict(err) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("dryRun delete removes nothing", func(t *testing.T) {
		_, _, err := e.del(cmGVR, "app", "pre", &metav1.DeleteOptions{DryRun: []string{metav1.DryRunAll}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.get(cmGVR, "app", "pre"); err != nil {
			t.Fatalf("gone: %v", err)
		}
	})
	t.Run("deleting a missing object is 404", func(t *testing.T) {
		if _, _, err := e.del(cmGVR, "app", "ghost", nil); code(err) != 404 {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("deletecollection removes every matching object", func(t *testing.T) {
		out, err := e.storage(cmGVR, "").(rest.CollectionDeleter).DeleteCollection(nsCtx("app"), nil, &rest.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if n := len(out.(*corev1.ConfigMapList).Items); n < 1 {
			t.Fatalf("deleted %d", n)
		}
		if _, err := e.get(cmGVR, "app", "pre"); !apierrors.IsNotFound(err) {
			t.Fatalf("still there: %v", err)
		}
	})
}

func TestPodDeletionAndBinding(t *testing.T) {
	e := newEnv(t, "")
	e.namespace("app")
	binder := e.storage(podsGVR, "binding").(rest.Creater)
	bind := func(name, node string) error {
		_, err := binder.Create(nsCtx("app"), &corev1.Binding{ObjectMeta: metav1.ObjectMeta{Name: name},
			Target: corev1.ObjectReference{Kind: "Node", Name: node}}, &metav1.CreateOptions{})
		return err
	}
	e.mustCreate(podsGVR, "app", newPod("app", "bound"))
	t.Run("binding sets spec.nodeName and PodScheduled", func(t *testing.T) {
		if err := bind("bound", "node-1"); err != nil {
			t.Fatal(err)
		}
		obj, _ := e.get(podsGVR, "app", "bound")
		p := obj.(*corev1.Pod)
		if p.Spec.NodeName != "node-1" || len(p.Status.Conditions) != 1 || p.Status.Conditions[0].Type != corev1.PodScheduled || p.Status.Conditions[0].Status != corev1.ConditionTrue {
			t.Fatalf("got %+v %+v", p.Spec.NodeName, p.Status.Conditions)
		}
	})
	t.Run("binding a bound pod again is 409", func(t *testing.T) {
		err := bind("bound", "node-2")
		if !apierrors.IsConflict(err) || !strings.Contains(err.Error(), `pod bound is already assigned to node "node-1"`) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("the bindings resource binds too", func(t *testing.T) {
		e.mustCreate(podsGVR, "app", newPod("app", "viaroot"))
		st := e.storage(corev1.SchemeGroupVersion.WithResource("bindings"), "").(rest.Creater)
		_, err := st.Create(nsCtx("app"), &corev1.Binding{ObjectMeta: metav1.ObjectMeta{Name: "viaroot"},
			Target: corev1.ObjectReference{Name: "node-3"}}, &metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		obj, _ := e.get(podsGVR, "app", "viaroot")
		if obj.(*corev1.Pod).Spec.NodeName != "node-3" {
			t.Fatal("not bound")
		}
	})
	t.Run("a bound pod is deleted gracefully: marked with the default grace period", func(t *testing.T) {
		out, immediate, err := e.del(podsGVR, "app", "bound", nil)
		if err != nil || immediate {
			t.Fatalf("got %v %v", immediate, err)
		}
		p := out.(*corev1.Pod)
		if p.DeletionTimestamp == nil || p.DeletionGracePeriodSeconds == nil || *p.DeletionGracePeriodSeconds != 30 {
			t.Fatalf("got %+v", p.ObjectMeta)
		}
		if _, err := e.get(podsGVR, "app", "bound"); err != nil {
			t.Fatalf("removed: %v", err)
		}
	})
	t.Run("a second delete with grace 0 removes it", func(t *testing.T) {
		_, immediate, err := e.del(podsGVR, "app", "bound", metav1.NewDeleteOptions(0))
		if err != nil || !immediate {
			t.Fatalf("got %v %v", immediate, err)
		}
		if _, err := e.get(podsGVR, "app", "bound"); !apierrors.IsNotFound(err) {
			t.Fatalf("still there: %v", err)
		}
	})
	t.Run("an unbound pod is removed immediately", func(t *testing.T) {
		e.mustCreate(podsGVR, "app", newPod("app", "unbound"))
		_, immediate, err := e.del(podsGVR, "app", "unbound", nil)
		if err != nil || !immediate {
			t.Fatalf("got %v %v", immediate, err)
		}
	})
}

func TestEviction(t *testing.T) {
	e := newEnv(t, "")
	e.namespace("app")
	evict := func(name string) error {
		_, err := e.storage(podsGVR, "eviction").(rest.Creater).Create(nsCtx("app"),
			&policyv1.Eviction{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "app"},
				DeleteOptions: metav1.NewDeleteOptions(0)}, &metav1.CreateOptions{})
		return err
	}
	running := func(name string, lbls map[string]string) {
		p := newPod("app", name)
		p.Labels = lbls
		p.Spec.NodeName = "n1"
		e.mustCreate(podsGVR, "app", p)
		if _, _, err := e.update(podsGVR, "status", "app", name, func(o runtime.Object) runtime.Object {
			o.(*corev1.Pod).Status.Phase = corev1.PodRunning
			return o
		}); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("a pod without a budget is evicted", func(t *testing.T) {
		running("free", map[string]string{"app": "free"})
		if err := evict("free"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.get(podsGVR, "app", "free"); !apierrors.IsNotFound(err) {
			t.Fatalf("still there: %v", err)
		}
	})
	pdbGVR := policyv1.SchemeGroupVersion.WithResource("poddisruptionbudgets")
	minAvail := intstr.FromInt32(1)
	pdb := e.mustCreate(pdbGVR, "app", &policyv1.PodDisruptionBudget{ObjectMeta: metav1.ObjectMeta{Name: "budget"},
		Spec: policyv1.PodDisruptionBudgetSpec{MinAvailable: &minAvail,
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "guarded"}}}}).(*policyv1.PodDisruptionBudget)
	setAllowed := func(n int32) {
		if _, _, err := e.update(pdbGVR, "status", "app", "budget", func(o runtime.Object) runtime.Object {
			p := o.(*policyv1.PodDisruptionBudget)
			p.Status.DisruptionsAllowed = n
			p.Status.ObservedGeneration = pdb.Generation
			return p
		}); err != nil {
			t.Fatal(err)
		}
	}
	running("guarded", map[string]string{"app": "guarded"})
	t.Run("a budget with no disruptions allowed refuses with 429", func(t *testing.T) {
		setAllowed(0)
		err := evict("guarded")
		if code(err) != 429 || err.Error() != "Cannot evict pod as it would violate the pod's disruption budget." {
			t.Fatalf("got %v", err)
		}
		if _, err := e.get(podsGVR, "app", "guarded"); err != nil {
			t.Fatalf("pod gone: %v", err)
		}
	})
	t.Run("a budget allowing one disruption lets the pod go and counts it", func(t *testing.T) {
		setAllowed(1)
		if err := evict("guarded"); err != nil {
			t.Fatal(err)
		}
		obj, _ := e.get(pdbGVR, "app", "budget")
		if st := obj.(*policyv1.PodDisruptionBudget).Status; st.DisruptionsAllowed != 0 || len(st.DisruptedPods) != 1 {
			t.Fatalf("got %+v", st)
		}
	})
}

func TestNamespaceLifecycle(t *testing.T) {
	e := newEnv(t, "")
	e.namespace("doomed")
	t.Run("deleting a namespace marks it Terminating and keeps it", func(t *testing.T) {
		out, immediate, err := e.del(nsGVR, "", "doomed", nil)
		if err != nil || immediate {
			t.Fatalf("got %v %v", immediate, err)
		}
		ns := out.(*corev1.Namespace)
		if ns.Status.Phase != corev1.NamespaceTerminating || ns.DeletionTimestamp == nil {
			t.Fatalf("got %+v", ns)
		}
	})
	t.Run("a terminating namespace refuses new content with 403", func(t *testing.T) {
		_, err := e.create(podsGVR, "doomed", newPod("doomed", "late"))
		if code(err) != 403 || !strings.HasSuffix(err.Error(), "unable to create new content in namespace doomed because it is being terminated") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("a main-resource update cannot change spec.finalizers", func(t *testing.T) {
		out, _, err := e.update(nsGVR, "", "", "doomed", func(o runtime.Object) runtime.Object {
			o.(*corev1.Namespace).Spec.Finalizers = nil
			return o
		})
		if err != nil || len(out.(*corev1.Namespace).Spec.Finalizers) != 1 {
			t.Fatalf("got %v %+v", err, out)
		}
	})
	t.Run("finalize emptying spec.finalizers of a terminating namespace removes it", func(t *testing.T) {
		_, _, err := e.update(nsGVR, "finalize", "", "doomed", func(o runtime.Object) runtime.Object {
			o.(*corev1.Namespace).Spec.Finalizers = nil
			return o
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.get(nsGVR, "", "doomed"); !apierrors.IsNotFound(err) {
			t.Fatalf("still there: %v", err)
		}
	})
}

func TestImmortalNamespaces(t *testing.T) {
	e := newEnv(t, "")
	e.namespace("kube-system")
	_, _, err := e.del(nsGVR, "", "kube-system", nil)
	if code(err) != 403 || err.Error() != `namespaces "kube-system" is forbidden: this namespace may not be deleted` {
		t.Fatalf("got %v", err)
	}
}

func TestNamespaceWithoutFinalizers(t *testing.T) {
	e := newEnv(t, "")
	e.namespace("quick")
	if _, _, err := e.update(nsGVR, "finalize", "", "quick", func(o runtime.Object) runtime.Object {
		o.(*corev1.Namespace).Spec.Finalizers = nil
		return o
	}); err != nil {
		t.Fatal(err)
	}
	t.Run("a namespace with no spec finalizers is removed at once", func(t *testing.T) {
		_, immediate, err := e.del(nsGVR, "", "quick", nil)
		if err != nil || !immediate {
			t.Fatalf("got %v %v", immediate, err)
		}
		if _, err := e.get(nsGVR, "", "quick"); !apierrors.IsNotFound(err) {
			t.Fatalf("still there: %v", err)
		}
	})
}

func TestScale(t *testing.T) {
	e := newEnv(t, "")
	e.namespace("app")
	gvr := appsv1.SchemeGroupVersion.WithResource("deployments")
	replicas := int32(2)
	sel := map[string]string{"app": "web"}
	e.mustCreate(gvr, "app", &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "web"},
		Spec: appsv1.DeploymentSpec{Replicas: &replicas, Selector: &metav1.LabelSelector{MatchLabels: sel},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: sel},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "nginx"}}}}}})
	st := e.storage(gvr, "scale")
	t.Run("get answers a Scale with replicas and selector", func(t *testing.T) {
		obj, err := st.(rest.Getter).Get(nsCtx("app"), "web", &metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		sc := obj.(*autoscalingv1.Scale)
		if sc.Spec.Replicas != 2 || sc.Status.Selector != "app=web" || sc.Name != "web" {
			t.Fatalf("got %+v", sc)
		}
	})
	t.Run("update writes spec.replicas and bumps generation", func(t *testing.T) {
		_, _, err := st.(rest.Updater).Update(nsCtx("app"), "web", rest.UpdateFunc(func(ctx context.Context, old runtime.Object) (runtime.Object, error) {
			sc := old.(*autoscalingv1.Scale)
			sc.Spec.Replicas = 5
			return sc, nil
		}), &metav1.UpdateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		obj, _ := e.get(gvr, "app", "web")
		d := obj.(*appsv1.Deployment)
		if *d.Spec.Replicas != 5 || d.Generation != 2 {
			t.Fatalf("replicas %d generation %d", *d.Spec.Replicas, d.Generation)
		}
	})
	t.Run("negative replicas are 422", func(t *testing.T) {
		_, _, err := st.(rest.Updater).Update(nsCtx("app"), "web", rest.UpdateFunc(func(ctx context.Context, old runtime.Object) (runtime.Object, error) {
			sc := old.(*autoscalingv1.Scale)
			sc.Spec.Replicas = -1
			return sc, nil
		}), &metav1.UpdateOptions{})
		if code(err) != 422 {
			t.Fatalf("got %v", err)
		}
	})
}
