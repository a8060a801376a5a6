package job

import (
	"fmt"
	"slices"
	"testing"

	batchv1 "keel.dev/api/batch/v1"
	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
)

// fail plays kubelet: the pod fails with exitCode in container "c" and
// the given extra conditions.
func (h *harness) fail(p corev1.Pod, exitCode int32, conds ...corev1.PodConditionType) {
	h.t.Helper()
	p.Status.Phase = corev1.PodFailed
	p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "c", State: corev1.ContainerState{
		Terminated: &corev1.ContainerStateTerminated{ExitCode: exitCode}}}}
	for _, c := range conds {
		p.Status.Conditions = append(p.Status.Conditions, corev1.PodCondition{Type: c, Status: corev1.ConditionTrue})
	}
	if _, err := h.cs.CoreV1().Pods("ns").UpdateStatus(h.ctx, &p, metav1.UpdateOptions{}); err != nil {
		h.t.Fatal(err)
	}
}

func indexed(completions, parallelism int32) func(*batchv1.Job) {
	return func(j *batchv1.Job) {
		mode := batchv1.IndexedCompletion
		j.Spec.CompletionMode = &mode
		j.Spec.Completions, j.Spec.Parallelism = ptr(completions), ptr(parallelism)
	}
}

func withPolicy(rules ...batchv1.PodFailurePolicyRule) func(*batchv1.Job) {
	return func(j *batchv1.Job) { j.Spec.PodFailurePolicy = &batchv1.PodFailurePolicy{Rules: rules} }
}

func onExit(action batchv1.PodFailurePolicyAction, op batchv1.PodFailurePolicyOnExitCodesOperator, codes ...int32) batchv1.PodFailurePolicyRule {
	return batchv1.PodFailurePolicyRule{Action: action, OnExitCodes: &batchv1.PodFailurePolicyOnExitCodesRequirement{Operator: op, Values: codes}}
}

func podOfIndex(h *harness, ix string) corev1.Pod {
	h.t.Helper()
	for _, p := range h.pods(running) {
		if p.Annotations[batchv1.JobCompletionIndexAnnotation] == ix {
			return p
		}
	}
	h.t.Fatalf("no running pod of index %s", ix)
	return corev1.Pod{}
}

func TestPodFailurePolicy(t *testing.T) {
	tests := []struct {
		name       string
		rules      []batchv1.PodFailurePolicyRule
		exitCode   int32
		conds      []corev1.PodConditionType
		wantConds  string
		wantFailed int32
		wantMsg    string
	}{
		{
			name:      "a FailJob rule on the exit code fails the job at once",
			rules:     []batchv1.PodFailurePolicyRule{onExit(batchv1.PodFailurePolicyActionFailJob, batchv1.PodFailurePolicyOnExitCodesOpIn, 42)},
			exitCode:  42,
			wantConds: "[Failed(PodFailurePolicy) FailureTarget(PodFailurePolicy)]", wantFailed: 1,
			wantMsg: "Container c for pod ns/%s failed with exit code 42 matching FailJob rule at index 0",
		},
		{
			name: "an Ignore rule on DisruptionTarget neither counts nor fails",
			rules: []batchv1.PodFailurePolicyRule{{Action: batchv1.PodFailurePolicyActionIgnore,
				OnPodConditions: []batchv1.PodFailurePolicyOnPodConditionsPattern{{Type: corev1.DisruptionTarget}}}},
			exitCode: 137, conds: []corev1.PodConditionType{corev1.DisruptionTarget},
			wantConds: "[]", wantFailed: 0,
		},
		{
			name: "a FailJob rule on a pod condition names the condition",
			rules: []batchv1.PodFailurePolicyRule{
				onExit(batchv1.PodFailurePolicyActionIgnore, batchv1.PodFailurePolicyOnExitCodesOpIn, 1),
				{Action: batchv1.PodFailurePolicyActionFailJob, OnPodConditions: []batchv1.PodFailurePolicyOnPodConditionsPattern{{Type: corev1.DisruptionTarget}}}},
			exitCode: 137, conds: []corev1.PodConditionType{corev1.DisruptionTarget},
			wantConds: "[Failed(PodFailurePolicy) FailureTarget(PodFailurePolicy)]", wantFailed: 1,
			wantMsg: "Pod ns/%s has condition DisruptionTarget matching FailJob rule at index 1",
		},
		{
			name:      "a Count rule counts against backoffLimit",
			rules:     []batchv1.PodFailurePolicyRule{onExit(batchv1.PodFailurePolicyActionCount, batchv1.PodFailurePolicyOnExitCodesOpNotIn, 0)},
			exitCode:  3,
			wantConds: "[Failed(BackoffLimitExceeded) FailureTarget(BackoffLimitExceeded)]", wantFailed: 1,
		},
		{
			name:      "a failure no rule matches is counted by default",
			rules:     []batchv1.PodFailurePolicyRule{onExit(batchv1.PodFailurePolicyActionFailJob, batchv1.PodFailurePolicyOnExitCodesOpIn, 42)},
			exitCode:  1,
			wantConds: "[Failed(BackoffLimitExceeded) FailureTarget(BackoffLimitExceeded)]", wantFailed: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, newJob("pfp", withPolicy(tt.rules...), func(j *batchv1.Job) { j.Spec.BackoffLimit = ptr(int32(0)) }))
			h.settle("pfp")
			first := h.pods(running)[0]
			h.fail(first, tt.exitCode, tt.conds...)
			h.settle("pfp")
			j := h.job("pfp")
			if got := conditionTypes(j); got != tt.wantConds {
				t.Errorf("conditions = %s, want %s", got, tt.wantConds)
			}
			if j.Status.Failed != tt.wantFailed {
				t.Errorf("failed = %d, want %d", j.Status.Failed, tt.wantFailed)
			}
			if tt.wantMsg != "" {
				want := sprintf(tt.wantMsg, first.Name)
				for _, ct := range []batchv1.JobConditionType{batchv1.JobFailureTarget, batchv1.JobFailed} {
					if c := condition(j, ct); c == nil || c.Message != want {
						t.Errorf("%s message = %+v, want %q", ct, c, want)
					}
				}
			}
			if tt.wantFailed == 0 && len(h.pods(running)) != 1 {
				t.Errorf("an ignored failure was not replaced: %d running pods", len(h.pods(running)))
			}
			for _, p := range h.pods(nil) {
				if slices.Contains(p.Finalizers, batchv1.JobTrackingFinalizer) && p.Status.Phase == corev1.PodFailed {
					t.Errorf("failed pod %s kept the tracking finalizer", p.Name)
				}
			}
		})
	}
}

func TestBackoffLimitPerIndex(t *testing.T) {
	h := newHarness(t, newJob("pi", indexed(3, 3), func(j *batchv1.Job) {
		j.Spec.BackoffLimitPerIndex = ptr(int32(1))
		j.Spec.MaxFailedIndexes = ptr(int32(1))
		j.Spec.PodFailurePolicy = &batchv1.PodFailurePolicy{Rules: []batchv1.PodFailurePolicyRule{
			onExit(batchv1.PodFailurePolicyActionFailIndex, batchv1.PodFailurePolicyOnExitCodesOpIn, 9)}}
	}))
	h.settle("pi")
	// Index 0 fails once and is retried with a failure count of 1.
	h.fail(podOfIndex(h, "0"), 1)
	h.settle("pi")
	retry := podOfIndex(h, "0")
	if got := retry.Annotations[batchv1.JobIndexFailureCountAnnotation]; got != "1" {
		t.Fatalf("retry of index 0 has failure count %q, want 1", got)
	}
	if j := h.job("pi"); j.Status.FailedIndexes == nil || *j.Status.FailedIndexes != "" || finishedCondition(j) != nil {
		t.Fatalf("after one failure: failedIndexes=%v conditions=%s", j.Status.FailedIndexes, conditionTypes(j))
	}
	// Index 1 hits the FailIndex rule: failed without retry.
	h.fail(podOfIndex(h, "1"), 9)
	h.settle("pi")
	if j := h.job("pi"); *j.Status.FailedIndexes != "1" || finishedCondition(j) != nil {
		t.Fatalf("after FailIndex: failedIndexes=%q conditions=%s", *j.Status.FailedIndexes, conditionTypes(j))
	}
	for _, p := range h.pods(running) {
		if p.Annotations[batchv1.JobCompletionIndexAnnotation] == "1" {
			t.Fatalf("failed index 1 was restarted as %s", p.Name)
		}
	}
	// Index 0 fails again: out of retries, two failed indexes > maxFailedIndexes 1.
	h.fail(podOfIndex(h, "0"), 1)
	h.settle("pi")
	j := h.job("pi")
	if *j.Status.FailedIndexes != "0-1" {
		t.Errorf("failedIndexes = %q, want 0-1", *j.Status.FailedIndexes)
	}
	if got := conditionTypes(j); got != "[Failed(MaxFailedIndexesExceeded) FailureTarget(MaxFailedIndexesExceeded)]" {
		t.Errorf("conditions = %s", got)
	}
	if c := condition(j, batchv1.JobFailed); c == nil || c.Message != msgMaxFailedIndexes {
		t.Errorf("Failed condition = %+v", c)
	}
}

func TestFailedIndexesEndTheJob(t *testing.T) {
	h := newHarness(t, newJob("fi", indexed(2, 2), func(j *batchv1.Job) { j.Spec.BackoffLimitPerIndex = ptr(int32(0)) }))
	h.settle("fi")
	h.fail(podOfIndex(h, "0"), 1)
	h.finish(podOfIndex(h, "1"), corev1.PodSucceeded)
	h.settle("fi")
	j := h.job("fi")
	if got := conditionTypes(j); got != "[Failed(FailedIndexes) FailureTarget(FailedIndexes)]" {
		t.Errorf("conditions = %s", got)
	}
	if *j.Status.FailedIndexes != "0" || j.Status.CompletedIndexes != "1" {
		t.Errorf("failedIndexes=%q completedIndexes=%q", *j.Status.FailedIndexes, j.Status.CompletedIndexes)
	}
}

func TestSuccessPolicy(t *testing.T) {
	tests := []struct {
		name    string
		rules   []batchv1.SuccessPolicyRule
		succeed []string
		wantMsg string // empty: not met
	}{
		{"a succeededIndexes rule is met when all its indexes succeeded",
			[]batchv1.SuccessPolicyRule{{SucceededIndexes: ptr("0,2")}}, []string{"0", "2"}, "Matched rules at index 0"},
		{"a succeededIndexes rule is not met by other indexes",
			[]batchv1.SuccessPolicyRule{{SucceededIndexes: ptr("0,2")}}, []string{"0", "1"}, ""},
		{"a succeededCount rule counts any indexes",
			[]batchv1.SuccessPolicyRule{{SucceededIndexes: ptr("9")}, {SucceededCount: ptr(int32(1))}}, []string{"3"}, "Matched rules at index 1"},
		{"indexes and count together count only the listed indexes",
			[]batchv1.SuccessPolicyRule{{SucceededIndexes: ptr("0-2"), SucceededCount: ptr(int32(2))}}, []string{"1", "3"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, newJob("sp", indexed(4, 4), func(j *batchv1.Job) {
				j.Spec.SuccessPolicy = &batchv1.SuccessPolicy{Rules: tt.rules}
			}))
			h.settle("sp")
			for _, ix := range tt.succeed {
				h.finish(podOfIndex(h, ix), corev1.PodSucceeded)
			}
			h.settle("sp")
			j := h.job("sp")
			if tt.wantMsg == "" {
				if finishedCondition(j) != nil || condition(j, batchv1.JobSuccessCriteriaMet) != nil {
					t.Fatalf("conditions = %s, want none", conditionTypes(j))
				}
				return
			}
			if got := conditionTypes(j); got != "[Complete(SuccessPolicy) SuccessCriteriaMet(SuccessPolicy)]" {
				t.Fatalf("conditions = %s", got)
			}
			for _, ct := range []batchv1.JobConditionType{batchv1.JobSuccessCriteriaMet, batchv1.JobComplete} {
				if c := condition(j, ct); c.Message != tt.wantMsg {
					t.Errorf("%s message = %q, want %q", ct, c.Message, tt.wantMsg)
				}
			}
			if len(h.pods(running)) != 0 || j.Status.Failed != 0 {
				t.Errorf("after success: %d running pods, failed=%d; want 0 and 0", len(h.pods(running)), j.Status.Failed)
			}
		})
	}
}

func TestAdoptionAndRelease(t *testing.T) {
	sel := map[string]string{batchv1.ControllerUidLabel: "job-uid"}
	orphan := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "orphan", Namespace: "ns", UID: "o", Labels: sel}}
	stray := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "stray", Namespace: "ns", UID: "s",
		Labels: map[string]string{"other": "x"}, Finalizers: []string{batchv1.JobTrackingFinalizer},
		OwnerReferences: []metav1.OwnerReference{{APIVersion: "batch/v1", Kind: "Job", Name: "adopt", UID: "job-uid", Controller: ptr(true)}}}}
	h := newHarness(t, newJob("adopt", func(j *batchv1.Job) {
		j.Spec.Selector = &metav1.LabelSelector{MatchLabels: sel}
	}), orphan, stray)
	h.settle("adopt")
	got := map[string]corev1.Pod{}
	for _, p := range h.pods(nil) {
		got[p.Name] = p
	}
	o := got["orphan"]
	if ref := metav1.GetControllerOf(&o); ref == nil || ref.UID != "job-uid" || !slices.Contains(o.Finalizers, batchv1.JobTrackingFinalizer) {
		t.Errorf("orphan: owner %v finalizers %v, want adopted with the tracking finalizer", ref, o.Finalizers)
	}
	s := got["stray"]
	if ref := metav1.GetControllerOf(&s); ref != nil || slices.Contains(s.Finalizers, batchv1.JobTrackingFinalizer) {
		t.Errorf("stray: owner %v finalizers %v, want released without the finalizer", ref, s.Finalizers)
	}
	if len(got) != 2 {
		t.Errorf("the job created pods although the adopted one fills parallelism: %d pods", len(got))
	}
	if j := h.job("adopt"); j.Status.Active != 1 {
		t.Errorf("active = %d, want the adopted pod", j.Status.Active)
	}
}

func sprintf(format string, a ...any) string { return fmt.Sprintf(format, a...) }

func TestFinishedJobAdoptsNothing(t *testing.T) {
	sel := map[string]string{batchv1.ControllerUidLabel: "job-uid"}
	orphan := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "late", Namespace: "ns", UID: "l", Labels: sel}}
	h := newHarness(t, newJob("done", func(j *batchv1.Job) {
		j.Spec.Selector = &metav1.LabelSelector{MatchLabels: sel}
		j.Status.Conditions = []batchv1.JobCondition{{Type: batchv1.JobComplete, Status: corev1.ConditionTrue}}
	}), orphan)
	h.settle("done")
	p := h.pods(nil)[0]
	if ref := metav1.GetControllerOf(&p); ref != nil || len(p.Finalizers) != 0 {
		t.Errorf("a finished job adopted %s: owner %v finalizers %v", p.Name, ref, p.Finalizers)
	}
}
