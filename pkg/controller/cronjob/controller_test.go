package cronjob

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	batchv1 "keel.dev/api/batch/v1"
	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/types"
	"keel.dev/client/clock"
	"keel.dev/client/fake"
	"keel.dev/client/informers"
	"keel.dev/client/record"
)

var created = time.Date(2026, 3, 1, 9, 58, 0, 0, time.UTC)

type harness struct {
	t     *testing.T
	cs    *fake.Clientset
	c     *Controller
	clock *clock.Fake
	rec   *record.FakeRecorder
	ctx   context.Context
}

func newHarness(t *testing.T, now time.Time, objs ...runtime.Object) *harness {
	t.Helper()
	cs := fake.NewClientset(objs...)
	fc := clock.NewFake(now)
	rec := record.NewFakeRecorder(100)
	f := informers.NewFactory(cs.Clientset, 0)
	c := New(cs.Clientset, f, Options{Clock: fc, Recorder: rec})
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() { cancel(); f.Shutdown() })
	f.Start(ctx)
	if !f.WaitForCacheSync(ctx) {
		t.Fatal("caches did not sync")
	}
	return &harness{t: t, cs: cs, c: c, clock: fc, rec: rec, ctx: ctx}
}

func cronJob(mutate ...func(*batchv1.CronJob)) *batchv1.CronJob {
	utc := "UTC"
	cj := &batchv1.CronJob{
		ObjectMeta: metav1.ObjectMeta{Name: "backup", Namespace: "ns", UID: "cj-uid", CreationTimestamp: metav1.NewTime(created)},
		Spec: batchv1.CronJobSpec{Schedule: "*/5 * * * *", TimeZone: &utc, ConcurrencyPolicy: batchv1.AllowConcurrent,
			JobTemplate: batchv1.JobTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "backup"}},
				Spec: batchv1.JobSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{RestartPolicy: corev1.RestartPolicyNever,
					Containers: []corev1.Container{{Name: "b", Image: "busybox"}}}}}}},
	}
	for _, m := range mutate {
		m(cj)
	}
	return cj
}

func (h *harness) waitCache() {
	h.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		jobs, _ := h.cs.BatchV1().Jobs("ns").List(h.ctx, metav1.ListOptions{})
		cached, _ := h.c.jobs.List(labels.Everything())
		rv := map[string]string{}
		for _, j := range cached {
			rv[j.Name] = j.ResourceVersion
		}
		ok := len(jobs.Items) == len(cached)
		for _, j := range jobs.Items {
			ok = ok && rv[j.Name] == j.ResourceVersion
		}
		cj, _ := h.cs.BatchV1().CronJobs("ns").Get(h.ctx, "backup", metav1.GetOptions{})
		ccj, err := h.c.cronJobs.Get("ns", "backup")
		if ok && err == nil && ccj.ResourceVersion == cj.ResourceVersion {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	h.t.Fatal("informer cache never caught up")
}

func (h *harness) sync() {
	h.t.Helper()
	h.waitCache()
	if err := h.c.sync(h.ctx, "ns/backup"); err != nil {
		h.t.Fatalf("sync: %v", err)
	}
	h.waitCache()
}

func (h *harness) jobNames() []string {
	jobs, _ := h.cs.BatchV1().Jobs("ns").List(h.ctx, metav1.ListOptions{})
	var out []string
	for _, j := range jobs.Items {
		out = append(out, j.Name)
	}
	sort.Strings(out)
	return out
}

func name(t time.Time) string { return fmt.Sprintf("backup-%d", t.Unix()/60) }

func TestFiresAtTheScheduledMinute(t *testing.T) {
	at10 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	h := newHarness(t, at10.Add(-time.Second), cronJob())
	h.sync()
	if got := h.jobNames(); len(got) != 0 {
		t.Fatalf("jobs before 10:00 = %v", got)
	}
	h.clock.SetTime(at10.Add(3 * time.Second))
	h.sync()
	if got := h.jobNames(); len(got) != 1 || got[0] != name(at10) {
		t.Fatalf("jobs = %v, want [%s]", got, name(at10))
	}
	j, _ := h.cs.BatchV1().Jobs("ns").Get(h.ctx, name(at10), metav1.GetOptions{})
	if j.Annotations[batchv1.CronJobScheduledTimestampAnnotation] != "2026-03-01T10:00:00Z" || j.Labels["app"] != "backup" ||
		metav1.GetControllerOf(j) == nil {
		t.Errorf("job metadata = %+v", j.ObjectMeta)
	}
	cj, _ := h.cs.BatchV1().CronJobs("ns").Get(h.ctx, "backup", metav1.GetOptions{})
	if cj.Status.LastScheduleTime == nil || !cj.Status.LastScheduleTime.Time.Equal(at10) || len(cj.Status.Active) != 1 {
		t.Errorf("status = %+v", cj.Status)
	}
	h.clock.SetTime(at10.Add(4 * time.Minute))
	h.sync()
	if got := h.jobNames(); len(got) != 1 {
		t.Errorf("a job started between schedule times: %v", got)
	}
	h.clock.SetTime(at10.Add(5 * time.Minute))
	h.sync()
	if got := h.jobNames(); len(got) != 2 {
		t.Errorf("Allow did not start a second concurrent job: %v", got)
	}
}

func TestConcurrencyPolicies(t *testing.T) {
	at10 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		policy batchv1.ConcurrencyPolicy
		want   []string
	}{
		{"forbid skips while a job runs", batchv1.ForbidConcurrent, []string{name(at10)}},
		{"replace deletes the running job", batchv1.ReplaceConcurrent, []string{name(at10.Add(5 * time.Minute))}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, at10, cronJob(func(cj *batchv1.CronJob) { cj.Spec.ConcurrencyPolicy = tc.policy }))
			h.sync()
			h.clock.SetTime(at10.Add(5 * time.Minute))
			h.sync()
			if got := h.jobNames(); fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("jobs = %v, want %v", got, tc.want)
			}
		})
	}
}

func finishedJob(i int, typ batchv1.JobConditionType) *batchv1.Job {
	start := metav1.NewTime(created.Add(time.Duration(i) * time.Minute))
	t := true
	return &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("old-%d", i), Namespace: "ns", UID: types.UID(fmt.Sprintf("j%d", i)),
			OwnerReferences: []metav1.OwnerReference{{APIVersion: "batch/v1", Kind: "CronJob", Name: "backup", UID: "cj-uid", Controller: &t}}},
		Status: batchv1.JobStatus{StartTime: &start, CompletionTime: &start,
			Conditions: []batchv1.JobCondition{{Type: typ, Status: corev1.ConditionTrue}}},
	}
}

func TestHistoryLimitsDeleteTheOldestFinishedJobs(t *testing.T) {
	objs := []runtime.Object{cronJob(func(cj *batchv1.CronJob) { cj.Spec.Suspend = ptr(true) })}
	for i := range 5 {
		objs = append(objs, finishedJob(i, batchv1.JobComplete))
	}
	for i := 5; i < 8; i++ {
		objs = append(objs, finishedJob(i, batchv1.JobFailed))
	}
	h := newHarness(t, created.Add(time.Hour), objs...)
	h.sync()
	if got := h.jobNames(); fmt.Sprint(got) != "[old-2 old-3 old-4 old-7]" {
		t.Errorf("jobs = %v, want the newest 3 successful and newest 1 failed", got)
	}
	cj, _ := h.cs.BatchV1().CronJobs("ns").Get(h.ctx, "backup", metav1.GetOptions{})
	if cj.Status.LastSuccessfulTime == nil || !cj.Status.LastSuccessfulTime.Time.Equal(created.Add(4*time.Minute)) {
		t.Errorf("lastSuccessfulTime = %v", cj.Status.LastSuccessfulTime)
	}
}

func TestMissedSchedules(t *testing.T) {
	t.Run("more than 100 missed runs raise TooManyMissedTimes and run the latest", func(t *testing.T) {
		now := created.Add(24 * time.Hour)
		h := newHarness(t, now, cronJob(func(cj *batchv1.CronJob) { cj.Spec.Schedule = "* * * * *" }))
		h.sync()
		if got := h.jobNames(); len(got) != 1 || got[0] != name(now) {
			t.Errorf("jobs = %v, want only the most recent run", got)
		}
		found := false
		for len(h.rec.Events) > 0 {
			if strings.Contains(<-h.rec.Events, "TooManyMissedTimes") {
				found = true
			}
		}
		if !found {
			t.Error("no TooManyMissedTimes event")
		}
	})
	t.Run("a run older than startingDeadlineSeconds is skipped", func(t *testing.T) {
		h := newHarness(t, time.Date(2026, 3, 1, 10, 3, 0, 0, time.UTC), cronJob(func(cj *batchv1.CronJob) {
			cj.Spec.StartingDeadlineSeconds = ptr(int64(60))
		}))
		h.sync()
		if got := h.jobNames(); len(got) != 0 {
			t.Errorf("jobs = %v, want none (10:00 is more than 60 s ago)", got)
		}
	})
}

func TestTimeZone(t *testing.T) {
	h := newHarness(t, time.Date(2026, 3, 1, 0, 0, 30, 0, time.UTC), cronJob(func(cj *batchv1.CronJob) {
		cj.CreationTimestamp = metav1.NewTime(time.Date(2026, 2, 28, 23, 0, 0, 0, time.UTC))
		tz := "Asia/Tokyo"
		cj.Spec.TimeZone, cj.Spec.Schedule = &tz, "0 9 * * *"
	}))
	h.sync()
	got := h.jobNames()
	if len(got) != 1 {
		t.Fatalf("jobs = %v, want the 09:00 Tokyo run at 00:00 UTC", got)
	}
	j, _ := h.cs.BatchV1().Jobs("ns").Get(h.ctx, got[0], metav1.GetOptions{})
	if ts := j.Annotations[batchv1.CronJobScheduledTimestampAnnotation]; ts != "2026-03-01T09:00:00+09:00" {
		t.Errorf("scheduled timestamp = %q", ts)
	}
}

func ptr[T any](v T) *T { return &v }
