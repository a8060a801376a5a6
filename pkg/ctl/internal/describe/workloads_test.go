package describe

import (
	"bytes"
	"errors"
	"testing"
	"time"

	appsv1 "keel.dev/api/apps/v1"
	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/types"
	"keel.dev/apimachinery/pkg/util/intstr"
)

var created = metav1.NewTime(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))

func controlledBy(kind, name, uid string) []metav1.OwnerReference {
	return []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: kind, Name: name, UID: types.UID(uid), Controller: ptr(true)}}
}

func TestCountPods(t *testing.T) {
	pod := func(phase corev1.PodPhase, refs ...metav1.OwnerReference) corev1.Pod {
		return corev1.Pod{ObjectMeta: metav1.ObjectMeta{OwnerReferences: refs}, Status: corev1.PodStatus{Phase: phase}}
	}
	mine := controlledBy("DaemonSet", "ds", "u1")[0]
	other := controlledBy("DaemonSet", "ds", "u2")[0]
	notController := mine
	notController.Controller = nil
	cases := []struct {
		name string
		pods []corev1.Pod
		want PodCounts
	}{
		{"no pods", nil, PodCounts{}},
		{"every phase", []corev1.Pod{pod(corev1.PodRunning, mine), pod(corev1.PodRunning, mine), pod(corev1.PodPending, mine),
			pod(corev1.PodSucceeded, mine), pod(corev1.PodFailed, mine), pod(corev1.PodUnknown, mine)}, PodCounts{2, 1, 1, 1}},
		{"pods of other controllers, owners that are not controllers and orphans are skipped",
			[]corev1.Pod{pod(corev1.PodRunning, other), pod(corev1.PodRunning, notController), pod(corev1.PodRunning), pod(corev1.PodFailed, mine)},
			PodCounts{Failed: 1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := CountPods(tc.pods, "u1"); got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestSplitReplicaSets(t *testing.T) {
	dep := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "web", UID: "d1"},
		Spec: appsv1.DeploymentSpec{Template: *template(func(t *corev1.PodTemplateSpec) { t.Labels = map[string]string{"app": "web"} })}}
	rs := func(name, image, uid string, age time.Duration) appsv1.ReplicaSet {
		tmpl := template(func(t *corev1.PodTemplateSpec) {
			t.Labels = map[string]string{"app": "web", "pod-template-hash": name}
			t.Spec.Containers[0].Image = image
		})
		return appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Name: name, OwnerReferences: controlledBy("Deployment", "web", uid),
			CreationTimestamp: metav1.NewTime(created.Add(-age))}, Spec: appsv1.ReplicaSetSpec{Template: *tmpl}}
	}
	names := func(r ReplicaSets) (old []string, cur string) {
		for _, o := range r.Old {
			old = append(old, o.Name)
		}
		if r.New != nil {
			cur = r.New.Name
		}
		return old, cur
	}
	cases := []struct {
		name    string
		all     []appsv1.ReplicaSet
		wantOld []string
		wantNew string
	}{
		{"nothing owned", []appsv1.ReplicaSet{rs("x", "busybox", "other", 0)}, nil, ""},
		{"old ones oldest first, ties by name", []appsv1.ReplicaSet{rs("c", "a:1", "d1", time.Minute), rs("b", "a:2", "d1", time.Hour),
			rs("a", "a:3", "d1", time.Minute), rs("new", "busybox", "d1", 0)}, []string{"b", "a", "c"}, "new"},
		{"the oldest matching template wins, ignoring the hash label", []appsv1.ReplicaSet{rs("young", "busybox", "d1", time.Second),
			rs("old", "busybox", "d1", time.Hour)}, []string{"young"}, "old"},
		{"no match means no new replica set", []appsv1.ReplicaSet{rs("a", "a:1", "d1", 0)}, []string{"a"}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			old, cur := names(SplitReplicaSets(dep, tc.all))
			if cur != tc.wantNew || len(old) != len(tc.wantOld) {
				t.Fatalf("got old %v new %q, want old %v new %q", old, cur, tc.wantOld, tc.wantNew)
			}
			for i := range old {
				if old[i] != tc.wantOld[i] {
					t.Errorf("got old %v, want %v", old, tc.wantOld)
				}
			}
		})
	}
}

// podTemplateText is what PodTemplate writes for t.
func podTemplateText(t *testing.T, tmpl *corev1.PodTemplateSpec) string {
	t.Helper()
	var b bytes.Buffer
	if err := PodTemplate(&b, tmpl); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestWorkloadSections(t *testing.T) {
	tmpl := template(func(t *corev1.PodTemplateSpec) {
		t.Labels = map[string]string{"app": "w"}
		t.Spec.NodeSelector = map[string]string{"zone": "a", "disk": "ssd"}
	})
	pt := podTemplateText(t, tmpl)
	meta := metav1.ObjectMeta{Name: "w", Namespace: "ns", UID: "u1", CreationTimestamp: created,
		Labels: map[string]string{"app": "w"}, Annotations: map[string]string{"note": "x"}}
	sel := &metav1.LabelSelector{MatchLabels: map[string]string{"app": "w"},
		MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "tier", Operator: metav1.LabelSelectorOpNotIn, Values: []string{"z", "b"}}}}
	head := "Name:\tw\nNamespace:\tns\nCreationTimestamp:\tFri, 02 Jan 2026 03:04:05 +0000\n"
	labels := "Labels:\tapp=w\nAnnotations:\tnote: x\n"
	pods := PodCounts{Running: 1, Waiting: 2, Succeeded: 3, Failed: 4}
	podsLine := "Pods Status:\t1 Running / 2 Waiting / 3 Succeeded / 4 Failed\n"
	dep := &appsv1.Deployment{ObjectMeta: meta, Spec: appsv1.DeploymentSpec{Replicas: ptr(int32(3)), Selector: sel, Template: *tmpl, MinReadySeconds: 7,
		Strategy: appsv1.DeploymentStrategy{Type: appsv1.RollingUpdateDeploymentStrategyType, RollingUpdate: &appsv1.RollingUpdateDeployment{
			MaxUnavailable: ptr(intstr.FromInt32(1)), MaxSurge: ptr(intstr.FromString("50%"))}}},
		Status: appsv1.DeploymentStatus{Replicas: 4, UpdatedReplicas: 2, AvailableReplicas: 1, UnavailableReplicas: 3,
			Conditions: []appsv1.DeploymentCondition{{Type: "Available", Status: "True", Reason: "MinimumReplicasAvailable"}}}}
	depHead := head + labels + "Selector:\tapp=w,tier notin (b,z)\n" +
		"Replicas:\t3 desired | 2 updated | 4 total | 1 available | 3 unavailable\n" +
		"StrategyType:\tRollingUpdate\nMinReadySeconds:\t7\nRollingUpdateStrategy:\t1 max unavailable, 50% max surge\n" + pt +
		"Conditions:\n  Type\tStatus\tReason\n  ----\t------\t------\n  Available \tTrue\tMinimumReplicasAvailable\n"
	old1 := &appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Name: "w-1"}, Spec: appsv1.ReplicaSetSpec{Replicas: ptr(int32(2))}, Status: appsv1.ReplicaSetStatus{Replicas: 1}}
	old2 := &appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Name: "w-2"}}
	cur := &appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Name: "w-3"}, Spec: appsv1.ReplicaSetSpec{Replicas: ptr(int32(3))}, Status: appsv1.ReplicaSetStatus{Replicas: 3}}

	rs := &appsv1.ReplicaSet{ObjectMeta: meta, Spec: appsv1.ReplicaSetSpec{Replicas: ptr(int32(2)), Selector: sel, Template: *tmpl},
		Status: appsv1.ReplicaSetStatus{Replicas: 1, Conditions: []appsv1.ReplicaSetCondition{{Type: "ReplicaFailure", Status: "True", Reason: "FailedCreate"}}}}
	rs.OwnerReferences = controlledBy("Deployment", "web", "d1")
	ds := &appsv1.DaemonSet{ObjectMeta: meta, Spec: appsv1.DaemonSetSpec{Selector: sel, Template: *tmpl},
		Status: appsv1.DaemonSetStatus{DesiredNumberScheduled: 5, CurrentNumberScheduled: 4, UpdatedNumberScheduled: 3, NumberAvailable: 2, NumberMisscheduled: 1}}
	sts := &appsv1.StatefulSet{ObjectMeta: meta, Spec: appsv1.StatefulSetSpec{Replicas: ptr(int32(3)), Selector: sel, Template: *tmpl,
		UpdateStrategy: appsv1.StatefulSetUpdateStrategy{Type: appsv1.RollingUpdateStatefulSetStrategyType,
			RollingUpdate: &appsv1.RollingUpdateStatefulSetStrategy{Partition: ptr(int32(1)), MaxUnavailable: ptr(intstr.FromString("10%"))}},
		VolumeClaimTemplates: []corev1.PersistentVolumeClaim{
			{ObjectMeta: metav1.ObjectMeta{Name: "data", Labels: map[string]string{"b": "2", "a": "1"}, Annotations: map[string]string{"k": "v"}},
				Spec: corev1.PersistentVolumeClaimSpec{StorageClassName: ptr("fast"), AccessModes: []corev1.PersistentVolumeAccessMode{"ReadWriteOnce", "ReadOnlyMany"},
					Resources: corev1.VolumeResourceRequirements{Requests: quantities("storage", "1Gi")}}},
			{ObjectMeta: metav1.ObjectMeta{Name: "bare"}},
		}},
		Status: appsv1.StatefulSetStatus{Replicas: 2}}
	stsOnDelete := sts.DeepCopy()
	stsOnDelete.Spec.UpdateStrategy = appsv1.StatefulSetUpdateStrategy{Type: appsv1.OnDeleteStatefulSetStrategyType}
	stsOnDelete.Spec.VolumeClaimTemplates = nil

	cases := []struct {
		name  string
		write func(*bytes.Buffer) error
		want  string
	}{
		{"deployment with old and new replica sets", func(b *bytes.Buffer) error {
			return Deployment(b, dep, &ReplicaSets{Old: []*appsv1.ReplicaSet{old1, old2}, New: cur})
		}, depHead + "OldReplicaSets:\tw-1 (1/2 replicas created), w-2 (0/0 replicas created)\nNewReplicaSet:\tw-3 (3/3 replicas created)\n"},
		{"deployment with only a new replica set", func(b *bytes.Buffer) error {
			return Deployment(b, dep, &ReplicaSets{New: cur})
		}, depHead + "OldReplicaSets:\t<none>\nNewReplicaSet:\tw-3 (3/3 replicas created)\n"},
		{"deployment with only old replica sets", func(b *bytes.Buffer) error {
			return Deployment(b, dep, &ReplicaSets{Old: []*appsv1.ReplicaSet{old2}})
		}, depHead + "OldReplicaSets:\tw-2 (0/0 replicas created)\nNewReplicaSet:\t<none>\n"},
		{"deployment without replica sets", func(b *bytes.Buffer) error { return Deployment(b, dep, &ReplicaSets{}) }, depHead},
		{"deployment whose replica sets could not be listed", func(b *bytes.Buffer) error { return Deployment(b, dep, nil) }, depHead},
		{"recreate deployment without conditions", func(b *bytes.Buffer) error {
			d := dep.DeepCopy()
			d.Spec.Strategy = appsv1.DeploymentStrategy{Type: appsv1.RecreateDeploymentStrategyType}
			d.Status.Conditions = nil
			return Deployment(b, d, nil)
		}, head + labels + "Selector:\tapp=w,tier notin (b,z)\n" +
			"Replicas:\t3 desired | 2 updated | 4 total | 1 available | 3 unavailable\n" +
			"StrategyType:\tRecreate\nMinReadySeconds:\t7\n" + pt},
		{"replica set", func(b *bytes.Buffer) error { return ReplicaSet(b, rs, pods) },
			"Name:\tw\nNamespace:\tns\nSelector:\tapp=w,tier notin (b,z)\n" + labels + "Controlled By:\tDeployment/web\n" +
				"Replicas:\t1 current / 2 desired\n" + podsLine + pt +
				"Conditions:\n  Type\tStatus\tReason\n  ----\t------\t------\n  ReplicaFailure \tTrue\tFailedCreate\n"},
		{"daemon set", func(b *bytes.Buffer) error { return DaemonSet(b, ds, pods) },
			"Name:\tw\nSelector:\tapp=w,tier notin (b,z)\nNode-Selector:\tdisk=ssd,zone=a\n" + labels +
				"Desired Number of Nodes Scheduled: 5\nCurrent Number of Nodes Scheduled: 4\n" +
				"Number of Nodes Scheduled with Up-to-date Pods: 3\nNumber of Nodes Scheduled with Available Pods: 2\n" +
				"Number of Nodes Misscheduled: 1\n" + podsLine + pt},
		{"stateful set with claims", func(b *bytes.Buffer) error { return StatefulSet(b, sts, pods) },
			head + "Selector:\tapp=w,tier notin (b,z)\n" + labels + "Replicas:\t3 desired | 2 total\n" +
				"Update Strategy:\tRollingUpdate\n  Partition:\t1\n  MaxUnavailable:\t10%\n" + podsLine + pt +
				"Volume Claims:\n" +
				"  Name:\tdata\n  StorageClass:\tfast\n  Labels:\ta=1\n\tb=2\n  Annotations:\tk=v\n  Capacity:\t1Gi\n  Access Modes:\t[ReadWriteOnce ReadOnlyMany]\n" +
				"  Name:\tbare\n  StorageClass:\t\n  Labels:\t<none>\n  Annotations:\t<none>\n  Capacity:\t<default>\n  Access Modes:\t[]\n"},
		{"stateful set on delete", func(b *bytes.Buffer) error { return StatefulSet(b, stsOnDelete, PodCounts{}) },
			head + "Selector:\tapp=w,tier notin (b,z)\n" + labels + "Replicas:\t3 desired | 2 total\nUpdate Strategy:\tOnDelete\n" +
				"Pods Status:\t0 Running / 0 Waiting / 0 Succeeded / 0 Failed\n" + pt + "Volume Claims:\t<none>\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := tc.write(&b); err != nil {
				t.Fatal(err)
			}
			if b.String() != tc.want {
				t.Errorf("got:\n%q\nwant:\n%q", b.String(), tc.want)
			}
		})
	}
}

func TestWorkloadsReportWriteErrors(t *testing.T) {
	tmpl := *template(nil)
	writers := map[string]func(*failingWriter) error{
		"deployment": func(w *failingWriter) error {
			return Deployment(w, &appsv1.Deployment{Spec: appsv1.DeploymentSpec{Template: tmpl}}, &ReplicaSets{})
		},
		"replica set":  func(w *failingWriter) error { return ReplicaSet(w, &appsv1.ReplicaSet{}, PodCounts{}) },
		"daemon set":   func(w *failingWriter) error { return DaemonSet(w, &appsv1.DaemonSet{}, PodCounts{}) },
		"stateful set": func(w *failingWriter) error { return StatefulSet(w, &appsv1.StatefulSet{}, PodCounts{}) },
	}
	for name, write := range writers {
		for _, n := range []int{0, 5, 12} {
			if err := write(&failingWriter{n: n}); !errors.Is(err, errWrite) {
				t.Errorf("%s failing after %d writes: got %v, want the writer's error", name, n, err)
			}
		}
	}
}
