package compat

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	corev1ac "k8s.io/client-go/applyconfigurations/core/v1"
	"k8s.io/client-go/kubernetes"
)

// newNamespace creates a uniquely named namespace for one test.
func newNamespace(t testing.TB, ctx context.Context, cs kubernetes.Interface, prefix string) string {
	t.Helper()
	ns, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{
		ObjectMeta: metav1.ObjectMeta{GenerateName: prefix + "-"},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("creating namespace: %v", err)
	}
	if !strings.HasPrefix(ns.Name, prefix+"-") || len(ns.Name) <= len(prefix)+1 {
		t.Fatalf("generateName %q gave name %q", prefix+"-", ns.Name)
	}
	return ns.Name
}

func TestClientGoConfigMapCRUD(t *testing.T) {
	s := sharedAPIServer(t)
	for _, ct := range contentTypes {
		t.Run("over "+ct.name, func(t *testing.T) {
			ctx := testContext(t, 30*time.Second)
			cs := s.Clientset(t, ct.value)
			ns := newNamespace(t, ctx, cs, "cm-"+ct.name)
			cms := cs.CoreV1().ConfigMaps(ns)

			created, err := cms.Create(ctx, &corev1.ConfigMap{
				ObjectMeta: metav1.ObjectMeta{Name: "settings", Labels: map[string]string{"app": "web"}},
				Data:       map[string]string{"mode": "fast"},
				BinaryData: map[string][]byte{"blob": {0, 1, 2, 255}},
			}, metav1.CreateOptions{})
			if err != nil {
				t.Fatalf("create: %v", err)
			}
			if created.UID == "" || created.ResourceVersion == "" || created.CreationTimestamp.IsZero() {
				t.Fatalf("create did not assign uid/resourceVersion/creationTimestamp: %+v", created.ObjectMeta)
			}
			_, err = cms.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "settings"}}, metav1.CreateOptions{})
			if !apierrors.IsAlreadyExists(err) {
				t.Fatalf("second create: want AlreadyExists, got %v", err)
			}

			got, err := cms.Get(ctx, "settings", metav1.GetOptions{})
			if err != nil {
				t.Fatalf("get: %v", err)
			}
			if got.Data["mode"] != "fast" || string(got.BinaryData["blob"]) != string([]byte{0, 1, 2, 255}) {
				t.Fatalf("get returned data %v binaryData %v", got.Data, got.BinaryData)
			}

			got.Data["mode"] = "slow"
			updated, err := cms.Update(ctx, got, metav1.UpdateOptions{})
			if err != nil {
				t.Fatalf("update: %v", err)
			}
			if updated.ResourceVersion == got.ResourceVersion {
				t.Fatalf("update kept resourceVersion %s", updated.ResourceVersion)
			}
			// A write against the stale resourceVersion must conflict.
			got.Data["mode"] = "stale"
			if _, err := cms.Update(ctx, got, metav1.UpdateOptions{}); !apierrors.IsConflict(err) {
				t.Fatalf("stale update: want Conflict, got %v", err)
			}

			list, err := cms.List(ctx, metav1.ListOptions{LabelSelector: "app=web"})
			if err != nil {
				t.Fatalf("list: %v", err)
			}
			if len(list.Items) != 1 || list.Items[0].Data["mode"] != "slow" || list.ResourceVersion == "" {
				t.Fatalf("list by label: %d items, rv %q", len(list.Items), list.ResourceVersion)
			}

			if err := cms.Delete(ctx, "settings", metav1.DeleteOptions{}); err != nil {
				t.Fatalf("delete: %v", err)
			}
			if _, err := cms.Get(ctx, "settings", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
				t.Fatalf("get after delete: want NotFound, got %v", err)
			}
			if err := cms.Delete(ctx, "settings", metav1.DeleteOptions{}); !apierrors.IsNotFound(err) {
				t.Fatalf("second delete: want NotFound, got %v", err)
			}
		})
	}
}

func TestClientGoInvalidObjectsCarryCauses(t *testing.T) {
	s := sharedAPIServer(t)
	for _, ct := range contentTypes {
		t.Run("over "+ct.name, func(t *testing.T) {
			ctx := testContext(t, 30*time.Second)
			cs := s.Clientset(t, ct.value)
			_, err := cs.CoreV1().ConfigMaps("default").Create(ctx, &corev1.ConfigMap{
				ObjectMeta: metav1.ObjectMeta{Name: "Not_A_Valid_Name"},
			}, metav1.CreateOptions{})
			if !apierrors.IsInvalid(err) {
				t.Fatalf("want Invalid, got %v", err)
			}
			status, ok := err.(apierrors.APIStatus)
			if !ok || status.Status().Details == nil || len(status.Status().Details.Causes) == 0 {
				t.Fatalf("Invalid error without causes: %#v", err)
			}
			if f := status.Status().Details.Causes[0].Field; f != "metadata.name" {
				t.Fatalf("first cause field %q, want metadata.name (causes %+v)", f, status.Status().Details.Causes)
			}
			_, err = cs.AppsV1().Deployments("default").Create(ctx, &appsv1.Deployment{
				ObjectMeta: metav1.ObjectMeta{Name: "no-selector"},
				Spec: appsv1.DeploymentSpec{Template: corev1.PodTemplateSpec{
					Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "busybox"}}},
				}},
			}, metav1.CreateOptions{})
			if !apierrors.IsInvalid(err) {
				t.Fatalf("deployment without selector: want Invalid, got %v", err)
			}
			if !hasCause(err, "spec.selector") {
				t.Fatalf("deployment without selector: no cause on spec.selector: %v", err)
			}
		})
	}
}

// hasCause reports whether an API error names field among its causes.
func hasCause(err error, field string) bool {
	status, ok := err.(apierrors.APIStatus)
	if !ok || status.Status().Details == nil {
		return false
	}
	for _, c := range status.Status().Details.Causes {
		if c.Field == field {
			return true
		}
	}
	return false
}

func TestClientGoDeploymentCRUD(t *testing.T) {
	s := sharedAPIServer(t)
	for _, ct := range contentTypes {
		t.Run("over "+ct.name, func(t *testing.T) {
			ctx := testContext(t, 30*time.Second)
			cs := s.Clientset(t, ct.value)
			ns := newNamespace(t, ctx, cs, "deploy-"+ct.name)
			deps := cs.AppsV1().Deployments(ns)
			replicas := int32(2)
			d, err := deps.Create(ctx, &appsv1.Deployment{
				ObjectMeta: metav1.ObjectMeta{Name: "web"},
				Spec: appsv1.DeploymentSpec{
					Replicas: &replicas,
					Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
					Template: corev1.PodTemplateSpec{
						ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web"}},
						Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: "nginx:1.27"}}},
					},
				},
			}, metav1.CreateOptions{})
			if err != nil {
				t.Fatalf("create: %v", err)
			}
			if d.Generation != 1 {
				t.Fatalf("generation after create = %d, want 1", d.Generation)
			}
			if d.Spec.Strategy.Type != appsv1.RollingUpdateDeploymentStrategyType || d.Spec.RevisionHistoryLimit == nil || *d.Spec.RevisionHistoryLimit != 10 {
				t.Fatalf("defaults not applied: strategy %q revisionHistoryLimit %v", d.Spec.Strategy.Type, d.Spec.RevisionHistoryLimit)
			}
			if got := d.Spec.Template.Spec.Containers[0].TerminationMessagePath; got != "/dev/termination-log" {
				t.Fatalf("container default terminationMessagePath = %q", got)
			}

			d.Spec.Template.Spec.Containers[0].Image = "nginx:1.28"
			d, err = deps.Update(ctx, d, metav1.UpdateOptions{})
			if err != nil {
				t.Fatalf("update: %v", err)
			}
			if d.Generation != 2 {
				t.Fatalf("generation after spec update = %d, want 2", d.Generation)
			}

			scale, err := deps.GetScale(ctx, "web", metav1.GetOptions{})
			if err != nil {
				t.Fatalf("get scale: %v", err)
			}
			if scale.Spec.Replicas != 2 || scale.Status.Selector != "app=web" {
				t.Fatalf("scale = %+v", scale)
			}
			scale.Spec.Replicas = 5
			if _, err := deps.UpdateScale(ctx, "web", scale, metav1.UpdateOptions{}); err != nil {
				t.Fatalf("update scale: %v", err)
			}

			d.Status.ObservedGeneration = d.Generation
			d.Status.Replicas = 1
			d, err = deps.Get(ctx, "web", metav1.GetOptions{})
			if err != nil {
				t.Fatalf("get: %v", err)
			}
			if *d.Spec.Replicas != 5 {
				t.Fatalf("replicas after scale = %d, want 5", *d.Spec.Replicas)
			}
			d.Status.ObservedGeneration = d.Generation
			d.Status.Replicas = 3
			st, err := deps.UpdateStatus(ctx, d, metav1.UpdateOptions{})
			if err != nil {
				t.Fatalf("update status: %v", err)
			}
			if st.Status.Replicas != 3 {
				t.Fatalf("status.replicas = %d after UpdateStatus", st.Status.Replicas)
			}

			if err := deps.Delete(ctx, "web", metav1.DeleteOptions{}); err != nil {
				t.Fatalf("delete: %v", err)
			}
		})
	}
}

func TestClientGoServiceGetsClusterIP(t *testing.T) {
	s := sharedAPIServer(t)
	for _, ct := range contentTypes {
		t.Run("over "+ct.name, func(t *testing.T) {
			ctx := testContext(t, 30*time.Second)
			cs := s.Clientset(t, ct.value)
			ns := newNamespace(t, ctx, cs, "svc-"+ct.name)
			svc, err := cs.CoreV1().Services(ns).Create(ctx, &corev1.Service{
				ObjectMeta: metav1.ObjectMeta{Name: "web"},
				Spec: corev1.ServiceSpec{
					Selector: map[string]string{"app": "web"},
					Ports:    []corev1.ServicePort{{Port: 80, TargetPort: intstr.FromInt32(8080)}},
				},
			}, metav1.CreateOptions{})
			if err != nil {
				t.Fatalf("create: %v", err)
			}
			if svc.Spec.ClusterIP == "" || svc.Spec.ClusterIP == "None" || !strings.HasPrefix(svc.Spec.ClusterIP, "10.") {
				t.Fatalf("clusterIP %q not allocated from 10.96.0.0/12", svc.Spec.ClusterIP)
			}
			if svc.Spec.Type != corev1.ServiceTypeClusterIP || svc.Spec.Ports[0].Protocol != corev1.ProtocolTCP {
				t.Fatalf("defaults: type %q protocol %q", svc.Spec.Type, svc.Spec.Ports[0].Protocol)
			}
			kube, err := cs.CoreV1().Services("default").Get(ctx, "kubernetes", metav1.GetOptions{})
			if err != nil {
				t.Fatalf("get kubernetes service: %v", err)
			}
			if kube.Spec.ClusterIP != "10.96.0.1" {
				t.Fatalf("kubernetes service clusterIP = %q, want 10.96.0.1", kube.Spec.ClusterIP)
			}
			// clusterIP is immutable once set.
			svc.Spec.ClusterIP = "10.96.200.200"
			svc.Spec.ClusterIPs = []string{"10.96.200.200"}
			if _, err := cs.CoreV1().Services(ns).Update(ctx, svc, metav1.UpdateOptions{}); !apierrors.IsInvalid(err) {
				t.Fatalf("changing clusterIP: want Invalid, got %v", err)
			}
			if err := cs.CoreV1().Services(ns).Delete(ctx, "web", metav1.DeleteOptions{}); err != nil {
				t.Fatalf("delete: %v", err)
			}
		})
	}
}

// testPod is a minimal valid pod.
func testPod(name string, labels map[string]string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{
			Name: "main", Image: "busybox:1.35",
			Ports: []corev1.ContainerPort{{ContainerPort: 80}},
		}}},
	}
}

func TestClientGoPodLifecycle(t *testing.T) {
	s := sharedAPIServer(t)
	for _, ct := range contentTypes {
		t.Run("over "+ct.name, func(t *testing.T) {
			ctx := testContext(t, 40*time.Second)
			cs := s.Clientset(t, ct.value)
			ns := newNamespace(t, ctx, cs, "pod-"+ct.name)
			pods := cs.CoreV1().Pods(ns)

			for i, tier := range []string{"front", "front", "back"} {
				if _, err := pods.Create(ctx, testPod(fmt.Sprintf("p%d", i), map[string]string{"tier": tier, "suite": "compat"}), metav1.CreateOptions{}); err != nil {
					t.Fatalf("create p%d: %v", i, err)
				}
			}
			p, err := pods.Get(ctx, "p0", metav1.GetOptions{})
			if err != nil {
				t.Fatalf("get: %v", err)
			}
			if p.Spec.RestartPolicy != corev1.RestartPolicyAlways || p.Spec.DNSPolicy != corev1.DNSClusterFirst || p.Spec.Containers[0].ImagePullPolicy != corev1.PullIfNotPresent {
				t.Fatalf("pod defaults: restartPolicy %q dnsPolicy %q pullPolicy %q", p.Spec.RestartPolicy, p.Spec.DNSPolicy, p.Spec.Containers[0].ImagePullPolicy)
			}
			if p.Status.Phase != corev1.PodPending {
				t.Fatalf("new pod phase %q, want Pending", p.Status.Phase)
			}

			list, err := pods.List(ctx, metav1.ListOptions{LabelSelector: "tier=front"})
			if err != nil {
				t.Fatalf("list: %v", err)
			}
			if names := podNames(list.Items); names != "p0,p1" {
				t.Fatalf("tier=front selected %s", names)
			}
			list, err = pods.List(ctx, metav1.ListOptions{LabelSelector: "tier notin (front)", FieldSelector: "metadata.name=p2"})
			if err != nil {
				t.Fatalf("list with set and field selector: %v", err)
			}
			if names := podNames(list.Items); names != "p2" {
				t.Fatalf("tier notin (front),metadata.name=p2 selected %s", names)
			}

			// Update changes metadata; status written through /status only.
			p.Labels["updated"] = "yes"
			p.Status.Phase = corev1.PodRunning
			p, err = pods.Update(ctx, p, metav1.UpdateOptions{})
			if err != nil {
				t.Fatalf("update: %v", err)
			}
			if p.Labels["updated"] != "yes" || p.Status.Phase != corev1.PodPending {
				t.Fatalf("update: labels %v phase %q (status must be ignored on the main resource)", p.Labels, p.Status.Phase)
			}
			p.Status.Phase = corev1.PodRunning
			p.Status.PodIP = "10.244.0.5"
			p.Spec.Containers[0].Image = "ignored:1"
			p, err = pods.UpdateStatus(ctx, p, metav1.UpdateOptions{})
			if err != nil {
				t.Fatalf("update status: %v", err)
			}
			if p.Status.Phase != corev1.PodRunning || p.Status.PodIP != "10.244.0.5" {
				t.Fatalf("status after UpdateStatus: %+v", p.Status)
			}
			if img := p.Spec.Containers[0].Image; img != "busybox:1.35" {
				t.Fatalf("UpdateStatus changed spec: image %q", img)
			}

			// Strategic merge: containers merge by name, so the image changes and the port stays.
			p, err = pods.Patch(ctx, "p0", types.StrategicMergePatchType,
				[]byte(`{"spec":{"containers":[{"name":"main","image":"busybox:1.36"}]}}`), metav1.PatchOptions{})
			if err != nil {
				t.Fatalf("strategic merge patch: %v", err)
			}
			if c := p.Spec.Containers; len(c) != 1 || c[0].Image != "busybox:1.36" || len(c[0].Ports) != 1 {
				t.Fatalf("strategic merge result: %+v", c)
			}
			p, err = pods.Patch(ctx, "p0", types.MergePatchType,
				[]byte(`{"metadata":{"labels":{"updated":null,"merge":"yes"}}}`), metav1.PatchOptions{})
			if err != nil {
				t.Fatalf("merge patch: %v", err)
			}
			if _, ok := p.Labels["updated"]; ok || p.Labels["merge"] != "yes" {
				t.Fatalf("merge patch labels %v", p.Labels)
			}
			p, err = pods.Patch(ctx, "p0", types.JSONPatchType,
				[]byte(`[{"op":"test","path":"/metadata/labels/merge","value":"yes"},{"op":"add","path":"/metadata/annotations","value":{"json":"patch"}}]`), metav1.PatchOptions{})
			if err != nil {
				t.Fatalf("json patch: %v", err)
			}
			if p.Annotations["json"] != "patch" {
				t.Fatalf("json patch annotations %v", p.Annotations)
			}
			if _, err := pods.Patch(ctx, "p0", types.JSONPatchType,
				[]byte(`[{"op":"test","path":"/metadata/labels/merge","value":"no"}]`), metav1.PatchOptions{}); err == nil {
				t.Fatalf("json patch with a failing test op succeeded")
			}

			// Server-side apply through ApplyConfigurations.
			ac := corev1ac.Pod("p3", ns).
				WithLabels(map[string]string{"suite": "compat", "tier": "applied"}).
				WithSpec(corev1ac.PodSpec().WithContainers(corev1ac.Container().WithName("main").WithImage("busybox:1.35")))
			applied, err := pods.Apply(ctx, ac, metav1.ApplyOptions{FieldManager: "compat-a"})
			if err != nil {
				t.Fatalf("apply create: %v", err)
			}
			if !hasManager(applied.ManagedFields, "compat-a") {
				t.Fatalf("managedFields lack compat-a: %+v", applied.ManagedFields)
			}
			ac2 := corev1ac.Pod("p3", ns).WithLabels(map[string]string{"tier": "other"})
			if _, err := pods.Apply(ctx, ac2, metav1.ApplyOptions{FieldManager: "compat-b"}); !apierrors.IsConflict(err) {
				t.Fatalf("apply by a second manager of an owned field: want Conflict, got %v", err)
			}
			forced, err := pods.Apply(ctx, ac2, metav1.ApplyOptions{FieldManager: "compat-b", Force: true})
			if err != nil {
				t.Fatalf("forced apply: %v", err)
			}
			if forced.Labels["tier"] != "other" || !hasManager(forced.ManagedFields, "compat-b") {
				t.Fatalf("forced apply: labels %v managers %+v", forced.Labels, forced.ManagedFields)
			}
			statusAC := corev1ac.Pod("p3", ns).WithStatus(corev1ac.PodStatus().WithPhase(corev1.PodSucceeded))
			st, err := pods.ApplyStatus(ctx, statusAC, metav1.ApplyOptions{FieldManager: "compat-status", Force: true})
			if err != nil {
				t.Fatalf("apply status: %v", err)
			}
			if st.Status.Phase != corev1.PodSucceeded {
				t.Fatalf("apply status phase %q", st.Status.Phase)
			}

			if err := pods.Delete(ctx, "p2", metav1.DeleteOptions{GracePeriodSeconds: new(int64)}); err != nil {
				t.Fatalf("delete: %v", err)
			}
			if _, err := pods.Get(ctx, "p2", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
				t.Fatalf("get after delete with grace 0: want NotFound, got %v", err)
			}
			if err := pods.DeleteCollection(ctx, metav1.DeleteOptions{GracePeriodSeconds: new(int64)}, metav1.ListOptions{LabelSelector: "suite=compat"}); err != nil {
				t.Fatalf("delete collection: %v", err)
			}
			list, err = pods.List(ctx, metav1.ListOptions{})
			if err != nil {
				t.Fatalf("list after delete collection: %v", err)
			}
			if len(list.Items) != 0 {
				t.Fatalf("pods left after DeleteCollection: %s", podNames(list.Items))
			}
		})
	}
}

// podNames joins pod names with commas.
func podNames(pods []corev1.Pod) string {
	names := make([]string, len(pods))
	for i := range pods {
		names[i] = pods[i].Name
	}
	return strings.Join(names, ",")
}

// hasManager reports whether a managedFields entry belongs to manager.
func hasManager(entries []metav1.ManagedFieldsEntry, manager string) bool {
	for _, e := range entries {
		if e.Manager == manager {
			return true
		}
	}
	return false
}
