package deployment

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	appsv1 "keel.dev/api/apps/v1"
	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/util/intstr"
)

func TestTemplateHashIsStableAndUsesTheSafeAlphabet(t *testing.T) {
	d := newDeployment("web", 1, "nginx:1")
	a, b := TemplateHash(&d.Spec.Template, nil), TemplateHash(d.Spec.Template.DeepCopy(), nil)
	if a != b {
		t.Fatalf("hash not stable: %q vs %q", a, b)
	}
	one := int32(1)
	if TemplateHash(&d.Spec.Template, &one) == a {
		t.Error("collision count does not change the hash")
	}
	d2 := newDeployment("web", 1, "nginx:2")
	if TemplateHash(&d2.Spec.Template, nil) == a {
		t.Error("different templates hash equal")
	}
	for _, r := range a {
		if !strings.ContainsRune(safeAlphabet, r) {
			t.Errorf("hash %q has %q outside the safe alphabet", a, r)
		}
	}
}

func TestFenceposts(t *testing.T) {
	tests := []struct {
		name                 string
		n                    int32
		surge, unavail       intstr.IntOrString
		wantSurge, wantUnava int32
	}{
		{"percentages round surge up and unavailable down", 10, intstr.FromString("25%"), intstr.FromString("25%"), 3, 2},
		{"absolute values are used as given", 10, intstr.FromInt(2), intstr.FromInt(0), 2, 0},
		{"both zero forces one unavailable", 3, intstr.FromInt(0), intstr.FromString("10%"), 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDeployment("web", tt.n, "x")
			d.Spec.Strategy.RollingUpdate = &appsv1.RollingUpdateDeployment{MaxSurge: &tt.surge, MaxUnavailable: &tt.unavail}
			s, u := resolveFenceposts(d)
			if s != tt.wantSurge || u != tt.wantUnava {
				t.Errorf("fenceposts = %d, %d; want %d, %d", s, u, tt.wantSurge, tt.wantUnava)
			}
		})
	}
}

func TestRollingUpdateKeepsAvailabilityAndSurgeBounds(t *testing.T) {
	tests := []struct {
		name           string
		n              int32
		surge, unavail intstr.IntOrString
	}{
		{"surge one, unavailable one", 4, intstr.FromInt(1), intstr.FromInt(1)},
		{"surge only", 5, intstr.FromInt(2), intstr.FromInt(0)},
		{"unavailable only", 5, intstr.FromInt(0), intstr.FromInt(2)},
		{"percentages", 10, intstr.FromString("25%"), intstr.FromString("25%")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDeployment("web", tt.n, "nginx:1")
			d.Spec.Strategy.RollingUpdate = &appsv1.RollingUpdateDeployment{MaxSurge: &tt.surge, MaxUnavailable: &tt.unavail}
			h := newHarness(t, d)
			h.rollToCompletion("web", nil)
			surge, unavail := resolveFenceposts(d)

			h.setImage("web", "nginx:2")
			// Pods become available one settle after they are created, so
			// each sync sees the previous step's pods available.
			h.rollToCompletion("web", func(step int, rss []appsv1.ReplicaSet) {
				var total, avail int32
				for _, rs := range rss {
					total += replicas(rs.Spec.Replicas)
					avail += min(replicas(rs.Spec.Replicas), rs.Status.AvailableReplicas)
				}
				if total > tt.n+surge {
					t.Errorf("step %d: %d replicas exceed %d+%d", step, total, tt.n, surge)
				}
				if avail < tt.n-unavail {
					t.Errorf("step %d: %d available, below %d-%d", step, avail, tt.n, unavail)
				}
			})
			rss := h.rsList()
			if len(rss) != 2 {
				t.Fatalf("got %d replica sets, want 2", len(rss))
			}
			if replicas(rss[0].Spec.Replicas) != 0 || replicas(rss[1].Spec.Replicas) != tt.n {
				t.Errorf("final sizes old=%d new=%d", replicas(rss[0].Spec.Replicas), replicas(rss[1].Spec.Replicas))
			}
			if rss[0].Annotations[RevisionAnnotation] != "1" || rss[1].Annotations[RevisionAnnotation] != "2" {
				t.Errorf("revisions %q, %q", rss[0].Annotations[RevisionAnnotation], rss[1].Annotations[RevisionAnnotation])
			}
			hash := rss[1].Labels[appsv1.DefaultDeploymentUniqueLabelKey]
			if rss[1].Name != "web-"+hash || rss[1].Spec.Selector.MatchLabels[appsv1.DefaultDeploymentUniqueLabelKey] != hash ||
				rss[1].Spec.Template.Labels[appsv1.DefaultDeploymentUniqueLabelKey] != hash {
				t.Errorf("new RS %q not labelled with its hash %q", rss[1].Name, hash)
			}
			final := h.deployment("web")
			if final.Annotations[RevisionAnnotation] != "2" {
				t.Errorf("deployment revision = %q", final.Annotations[RevisionAnnotation])
			}
			st := final.Status
			if st.UpdatedReplicas != tt.n || st.AvailableReplicas != tt.n || st.ObservedGeneration != final.Generation || st.UnavailableReplicas != 0 {
				t.Errorf("status = %+v", st)
			}
			if c := getCondition(st, appsv1.DeploymentProgressing); c == nil || c.Reason != ReasonNewRSAvailable || c.Status != corev1.ConditionTrue {
				t.Errorf("Progressing = %+v", c)
			}
			if c := getCondition(st, appsv1.DeploymentAvailable); c == nil || c.Reason != ReasonMinimumAvailable {
				t.Errorf("Available = %+v", c)
			}
		})
	}
}

func TestRecreateScalesDownBeforeCreatingTheNewReplicaSet(t *testing.T) {
	d := newDeployment("web", 3, "nginx:1")
	d.Spec.Strategy = appsv1.DeploymentStrategy{Type: appsv1.RecreateDeploymentStrategyType}
	h := newHarness(t, d)
	h.rollToCompletion("web", nil)
	h.setImage("web", "nginx:2")
	h.sync("web")
	rss := h.rsList()
	if len(rss) != 1 || replicas(rss[0].Spec.Replicas) != 0 {
		t.Fatalf("after the first step want only the old RS at 0, got %d RSes", len(rss))
	}
	h.sync("web") // old pods are still reported by the RS status
	if len(h.rsList()) != 1 {
		t.Fatal("new RS created while old pods still run")
	}
	h.settle(true)
	h.sync("web")
	rss = h.rsList()
	if len(rss) != 2 || replicas(rss[1].Spec.Replicas) != 3 {
		t.Fatalf("want the new RS at 3, got %+v", rss)
	}
}

func TestRollbackReusesTheOldReplicaSetWithANewRevision(t *testing.T) {
	d := newDeployment("web", 2, "nginx:1")
	h := newHarness(t, d)
	h.rollToCompletion("web", nil)
	h.setImage("web", "nginx:2")
	h.rollToCompletion("web", nil)
	h.setImage("web", "nginx:1") // what kubectl rollout undo does
	h.rollToCompletion("web", nil)
	rss := h.rsList()
	if len(rss) != 2 {
		t.Fatalf("got %d replica sets, want the two original ones", len(rss))
	}
	newest := rss[len(rss)-1]
	if newest.Spec.Template.Spec.Containers[0].Image != "nginx:1" || newest.Annotations[RevisionAnnotation] != "3" {
		t.Errorf("reused RS image %s revision %s, want nginx:1 revision 3", newest.Spec.Template.Spec.Containers[0].Image, newest.Annotations[RevisionAnnotation])
	}
	if newest.Annotations[RevisionHistoryAnnotation] != "1" {
		t.Errorf("revision history = %q, want 1", newest.Annotations[RevisionHistoryAnnotation])
	}
	if got := h.deployment("web").Annotations[RevisionAnnotation]; got != "3" {
		t.Errorf("deployment revision = %q, want 3", got)
	}
}

func TestPausedDeploymentScalesButDoesNotRollOut(t *testing.T) {
	d := newDeployment("web", 2, "nginx:1")
	h := newHarness(t, d)
	h.rollToCompletion("web", nil)
	cur := h.deployment("web")
	cur.Spec.Paused = true
	cur.Spec.Template.Spec.Containers[0].Image = "nginx:2"
	cur.Spec.Replicas = ptr(int32(5))
	cur.Generation++
	if _, err := h.cs.AppsV1().Deployments("default").Update(h.ctx, cur, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	h.sync("web")
	rss := h.rsList()
	if len(rss) != 1 {
		t.Fatalf("paused deployment created a new RS (%d RSes)", len(rss))
	}
	if replicas(rss[0].Spec.Replicas) != 5 {
		t.Errorf("paused deployment not scaled: %d", replicas(rss[0].Spec.Replicas))
	}
	if c := getCondition(h.deployment("web").Status, appsv1.DeploymentProgressing); c == nil || c.Reason != ReasonPaused || c.Status != corev1.ConditionUnknown {
		t.Errorf("Progressing = %+v, want Unknown DeploymentPaused", c)
	}
	cur = h.deployment("web")
	cur.Spec.Paused = false
	if _, err := h.cs.AppsV1().Deployments("default").Update(h.ctx, cur, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	h.sync("web")
	if len(h.rsList()) != 2 {
		t.Error("resumed deployment did not start the rollout")
	}
}

func TestRevisionHistoryLimitDeletesTheOldestScaledDownReplicaSets(t *testing.T) {
	d := newDeployment("web", 1, "nginx:0")
	d.Spec.RevisionHistoryLimit = ptr(int32(2))
	h := newHarness(t, d)
	for i := 1; i <= 4; i++ {
		h.rollToCompletion("web", nil)
		h.setImage("web", "nginx:"+string(rune('0'+i)))
	}
	h.rollToCompletion("web", nil)
	h.sync("web")
	rss := h.rsList()
	var revs []string
	for _, rs := range rss {
		revs = append(revs, rs.Annotations[RevisionAnnotation])
	}
	if d := cmp.Diff([]string{"3", "4", "5"}, revs); d != "" {
		t.Errorf("remaining revisions (-want +got):\n%s", d)
	}
}

func TestProgressDeadlineExceeded(t *testing.T) {
	d := newDeployment("web", 2, "nginx:1")
	d.Spec.ProgressDeadlineSeconds = ptr(int32(60))
	h := newHarness(t, d)
	h.sync("web")
	h.settle(false) // pods exist but never become available
	h.sync("web")
	c := getCondition(h.deployment("web").Status, appsv1.DeploymentProgressing)
	if c == nil || c.Status != corev1.ConditionTrue {
		t.Fatalf("Progressing = %+v, want True", c)
	}
	h.clock.Step(61 * time.Second)
	h.sync("web")
	c = getCondition(h.deployment("web").Status, appsv1.DeploymentProgressing)
	if c == nil || c.Status != corev1.ConditionFalse || c.Reason != ReasonTimedOut {
		t.Fatalf("Progressing = %+v, want False ProgressDeadlineExceeded", c)
	}
	if a := getCondition(h.deployment("web").Status, appsv1.DeploymentAvailable); a == nil || a.Reason != ReasonMinimumUnavailable {
		t.Errorf("Available = %+v, want MinimumReplicasUnavailable", a)
	}
}

func TestProportionalScalingDuringARollout(t *testing.T) {
	d := newDeployment("web", 15, "x")
	d.Spec.Strategy.RollingUpdate = &appsv1.RollingUpdateDeployment{MaxSurge: ptr(intstr.FromInt(3)), MaxUnavailable: ptr(intstr.FromInt(0))}
	mk := func(name string, n int32, created time.Time) *appsv1.ReplicaSet {
		return &appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Name: name, CreationTimestamp: metav1.NewTime(created),
			Annotations: map[string]string{MaxReplicasAnnotation: "13"}}, Spec: appsv1.ReplicaSetSpec{Replicas: &n}}
	}
	sizes := proportionalSizes(d, []*appsv1.ReplicaSet{mk("old", 8, t0), mk("new", 5, t0.Add(time.Minute))})
	if diff := cmp.Diff(map[string]int32{"old": 11, "new": 7}, sizes); diff != "" {
		t.Errorf("sizes (-want +got):\n%s", diff)
	}
	d.Spec.Replicas = ptr(int32(5))
	sizes = proportionalSizes(d, []*appsv1.ReplicaSet{mk("old", 8, t0), mk("new", 5, t0.Add(time.Minute))})
	if total := sizes["old"] + sizes["new"]; total != 8 {
		t.Errorf("scaling down to 5+3 gave %v (total %d)", sizes, total)
	}
}

func TestAdoptsMatchingOrphanReplicaSets(t *testing.T) {
	d := newDeployment("web", 1, "nginx:1")
	orphan := &appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Name: "stray", Namespace: "default", UID: "stray-uid",
		Labels: map[string]string{"app": "web"}}, Spec: appsv1.ReplicaSetSpec{Replicas: ptr(int32(0)),
		Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}}, Template: d.Spec.Template}}
	h := newHarness(t, d, orphan)
	h.sync("web")
	got, _ := h.cs.AppsV1().ReplicaSets("default").Get(h.ctx, "stray", metav1.GetOptions{})
	if ref := metav1.GetControllerOf(got); ref == nil || ref.Kind != "Deployment" || ref.UID != d.UID {
		t.Fatalf("orphan not adopted: %+v", got.OwnerReferences)
	}
	// The adopted RS has the same template, so it is reused as the new RS.
	if n := len(h.rsList()); n != 1 {
		t.Errorf("got %d RSes, want the adopted one only", n)
	}
}
