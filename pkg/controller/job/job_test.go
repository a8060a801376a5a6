package job

import (
	"slices"
	"strings"
	"testing"
	"time"

	batchv1 "keel.dev/api/batch/v1"
	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
)

func TestCompletionsAndParallelism(t *testing.T) {
	h := newHarness(t, newJob("pi", func(j *batchv1.Job) { j.Spec.Parallelism, j.Spec.Completions = ptr(int32(2)), ptr(int32(3)) }))
	h.settle("pi")
	live := h.pods(running)
	if len(live) != 2 {
		t.Fatalf("got %d running pods, want parallelism 2", len(live))
	}
	p := live[0]
	if !strings.HasPrefix(p.Name, "pi-") || !slices.Contains(p.Finalizers, batchv1.JobTrackingFinalizer) ||
		p.Labels[batchv1.JobNameLabel] != "pi" || p.Labels[batchv1.ControllerUidLabel] != "job-uid" ||
		p.Labels["job-name"] != "pi" || p.Labels["controller-uid"] != "job-uid" {
		t.Errorf("pod %s: labels %v finalizers %v", p.Name, p.Labels, p.Finalizers)
	}
	if j := h.job("pi"); j.Status.Active != 2 || j.Status.StartTime == nil {
		t.Errorf("status = %+v, want 2 active and a start time", j.Status)
	}

	for round := 0; round < 3; round++ {
		live = h.pods(running)
		h.finish(live[0], corev1.PodSucceeded)
		h.settle("pi")
	}
	j := h.job("pi")
	if j.Status.Succeeded != 3 || j.Status.Active != 0 {
		t.Errorf("succeeded=%d active=%d, want 3 and 0", j.Status.Succeeded, j.Status.Active)
	}
	if got := conditionTypes(j); got != "[Complete(CompletionsReached) SuccessCriteriaMet(CompletionsReached)]" {
		t.Errorf("conditions = %s", got)
	}
	if j.Status.CompletionTime == nil {
		t.Error("no completionTime")
	}
	for _, p := range h.pods(nil) {
		if slices.Contains(p.Finalizers, batchv1.JobTrackingFinalizer) {
			t.Errorf("pod %s kept the tracking finalizer after being counted", p.Name)
		}
	}
	if n := len(h.pods(nil)); n != 3 {
		t.Errorf("created %d pods in all, want exactly 3", n)
	}
}

func TestBackoffLimit(t *testing.T) {
	h := newHarness(t, newJob("fail", func(j *batchv1.Job) { j.Spec.BackoffLimit = ptr(int32(2)) }))
	h.settle("fail")
	for range 3 {
		live := h.pods(running)
		if len(live) != 1 {
			t.Fatalf("got %d running pods, want 1", len(live))
		}
		h.finish(live[0], corev1.PodFailed)
		h.settle("fail")
	}
	j := h.job("fail")
	if j.Status.Failed != 3 {
		t.Errorf("failed = %d, want 3", j.Status.Failed)
	}
	if got := conditionTypes(j); got != "[Failed(BackoffLimitExceeded) FailureTarget(BackoffLimitExceeded)]" {
		t.Errorf("conditions = %s", got)
	}
	if len(h.pods(running)) != 0 {
		t.Error("a failed job still has running pods")
	}
}

func TestOnFailureCountsContainerRestarts(t *testing.T) {
	h := newHarness(t, newJob("crash", func(j *batchv1.Job) {
		j.Spec.BackoffLimit = ptr(int32(2))
		j.Spec.Template.Spec.RestartPolicy = corev1.RestartPolicyOnFailure
	}))
	h.settle("crash")
	p := h.pods(running)[0]
	p.Status.Phase = corev1.PodRunning
	p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "c", RestartCount: 3}}
	if _, err := h.cs.CoreV1().Pods("ns").UpdateStatus(h.ctx, &p, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	h.settle("crash")
	if got := conditionTypes(h.job("crash")); !strings.Contains(got, "Failed(BackoffLimitExceeded)") {
		t.Errorf("conditions = %s, want Failed after 3 restarts with backoffLimit 2", got)
	}
}

func TestIndexedCompletion(t *testing.T) {
	h := newHarness(t, newJob("idx", func(j *batchv1.Job) {
		mode := batchv1.IndexedCompletion
		j.Spec.CompletionMode = &mode
		j.Spec.Parallelism, j.Spec.Completions = ptr(int32(3)), ptr(int32(5))
	}))
	h.settle("idx")
	live := h.pods(running)
	if len(live) != 3 {
		t.Fatalf("got %d pods, want 3", len(live))
	}
	indexes := map[string]bool{}
	for _, p := range live {
		ix := p.Annotations[batchv1.JobCompletionIndexAnnotation]
		indexes[ix] = true
		if p.Labels[batchv1.JobCompletionIndexAnnotation] != ix || p.Spec.Hostname != "idx-"+ix || !strings.HasPrefix(p.Name, "idx-"+ix+"-") {
			t.Errorf("pod %s: index label %q hostname %q", p.Name, p.Labels[batchv1.JobCompletionIndexAnnotation], p.Spec.Hostname)
		}
	}
	if !indexes["0"] || !indexes["1"] || !indexes["2"] {
		t.Fatalf("indexes = %v, want 0,1,2", indexes)
	}
	for _, p := range live {
		if ix := p.Annotations[batchv1.JobCompletionIndexAnnotation]; ix == "1" || ix == "2" {
			h.finish(p, corev1.PodSucceeded)
		}
	}
	h.settle("idx")
	j := h.job("idx")
	if j.Status.CompletedIndexes != "1-2" || j.Status.Succeeded != 2 {
		t.Errorf("completedIndexes=%q succeeded=%d, want 1-2 and 2", j.Status.CompletedIndexes, j.Status.Succeeded)
	}
	next := map[string]bool{}
	for _, p := range h.pods(running) {
		next[p.Annotations[batchv1.JobCompletionIndexAnnotation]] = true
	}
	if len(next) != 3 || !next["0"] || !next["3"] || !next["4"] {
		t.Errorf("running indexes = %v, want 0,3,4", next)
	}
}

func TestSuspendAndResume(t *testing.T) {
	h := newHarness(t, newJob("s", func(j *batchv1.Job) { j.Spec.Parallelism, j.Spec.Completions = ptr(int32(2)), ptr(int32(2)) }))
	h.settle("s")
	if len(h.pods(running)) != 2 {
		t.Fatal("pods not created")
	}
	j := h.job("s")
	j.Spec.Suspend = ptr(true)
	if _, err := h.cs.BatchV1().Jobs("ns").Update(h.ctx, j, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	h.settle("s")
	j = h.job("s")
	if len(h.pods(running)) != 0 || j.Status.Active != 0 {
		t.Errorf("suspended job kept %d pods", len(h.pods(running)))
	}
	if got := conditionTypes(j); got != "[Suspended(JobSuspended)]" {
		t.Errorf("conditions = %s", got)
	}
	if j.Status.Failed != 0 {
		t.Errorf("suspension counted %d failures", j.Status.Failed)
	}
	h.clock.Step(time.Minute)
	j.Spec.Suspend = ptr(false)
	if _, err := h.cs.BatchV1().Jobs("ns").Update(h.ctx, j, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	h.settle("s")
	j = h.job("s")
	if len(h.pods(running)) != 2 || conditionTypes(j) != "[]" || !j.Status.StartTime.Time.Equal(h.clock.Now()) {
		t.Errorf("after resume: %d pods, conditions %s, startTime %v", len(h.pods(running)), conditionTypes(j), j.Status.StartTime)
	}
}

func TestActiveDeadline(t *testing.T) {
	h := newHarness(t, newJob("slow", func(j *batchv1.Job) { j.Spec.ActiveDeadlineSeconds = ptr(int64(30)) }))
	h.settle("slow")
	h.clock.Step(29 * time.Second)
	h.settle("slow")
	if got := conditionTypes(h.job("slow")); got != "[]" {
		t.Fatalf("conditions before the deadline = %s", got)
	}
	h.clock.Step(2 * time.Second)
	h.settle("slow")
	if got := conditionTypes(h.job("slow")); got != "[Failed(DeadlineExceeded) FailureTarget(DeadlineExceeded)]" {
		t.Errorf("conditions = %s", got)
	}
	if len(h.pods(running)) != 0 {
		t.Error("pods survived the deadline")
	}
}

func TestIndexSetFormatting(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"ranges are collapsed", "5,1,2,3", "1-3,5"},
		{"an empty list stays empty", "", ""},
		{"single values stay single", "0,2,4", "0,2,4"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := parseIndexes(tc.in).String(); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
