package job

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	batchv1 "keel.dev/api/batch/v1"
	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/client/clock"
	"keel.dev/client/fake"
	"keel.dev/client/informers"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

type harness struct {
	t     *testing.T
	cs    *fake.Clientset
	c     *Controller
	clock *clock.Fake
	ctx   context.Context
}

func newHarness(t *testing.T, objs ...runtime.Object) *harness {
	t.Helper()
	cs := fake.NewClientset(objs...)
	fc := clock.NewFake(t0)
	f := informers.NewFactory(cs.Clientset, 0)
	c := New(cs.Clientset, f, Options{Clock: fc})
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() { cancel(); f.Shutdown() })
	f.Start(ctx)
	if !f.WaitForCacheSync(ctx) {
		t.Fatal("caches did not sync")
	}
	return &harness{t: t, cs: cs, c: c, clock: fc, ctx: ctx}
}

func newJob(name string, mutate ...func(*batchv1.Job)) *batchv1.Job {
	j := &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ns", UID: "job-uid"},
		Spec: batchv1.JobSpec{
			Parallelism: ptr(int32(1)), Completions: ptr(int32(1)), BackoffLimit: ptr(int32(6)),
			Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{RestartPolicy: corev1.RestartPolicyNever,
				Containers: []corev1.Container{{Name: "c", Image: "busybox"}}}},
		},
	}
	for _, m := range mutate {
		m(j)
	}
	return j
}

// waitCache blocks until the informers hold what the fake server holds.
func (h *harness) waitCache() {
	h.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if h.cacheMatches() {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	h.t.Fatal("informer cache never caught up")
}

func (h *harness) cacheMatches() bool {
	pods, err := h.cs.CoreV1().Pods("ns").List(h.ctx, metav1.ListOptions{})
	if err != nil {
		return false
	}
	cached, _ := h.c.pods.List(labels.Everything())
	if len(cached) != len(pods.Items) {
		return false
	}
	rv := map[string]string{}
	for _, p := range cached {
		rv[p.Name] = p.ResourceVersion
	}
	for _, p := range pods.Items {
		if rv[p.Name] != p.ResourceVersion {
			return false
		}
	}
	jobs, err := h.cs.BatchV1().Jobs("ns").List(h.ctx, metav1.ListOptions{})
	if err != nil {
		return false
	}
	cj, _ := h.c.jobs.List(labels.Everything())
	if len(cj) != len(jobs.Items) {
		return false
	}
	for _, j := range jobs.Items {
		if c, err := h.c.jobs.Get(j.Namespace, j.Name); err != nil || c.ResourceVersion != j.ResourceVersion {
			return false
		}
	}
	return true
}

// settle syncs the job until it stops writing.
func (h *harness) settle(name string) {
	h.t.Helper()
	for range 10 {
		h.waitCache()
		before := len(h.cs.Actions())
		if err := h.c.sync(h.ctx, "ns/"+name); err != nil {
			h.t.Fatalf("sync: %v", err)
		}
		writes := 0
		for _, a := range h.cs.Actions()[before:] {
			if a.Verb != "get" && a.Verb != "list" && a.Verb != "watch" {
				writes++
			}
		}
		if writes == 0 {
			return
		}
	}
	h.waitCache()
}

func (h *harness) job(name string) *batchv1.Job {
	h.t.Helper()
	j, err := h.cs.BatchV1().Jobs("ns").Get(h.ctx, name, metav1.GetOptions{})
	if err != nil {
		h.t.Fatal(err)
	}
	return j
}

// livePods returns the pods not terminal, sorted by name.
func (h *harness) pods(filter func(*corev1.Pod) bool) []corev1.Pod {
	h.t.Helper()
	l, err := h.cs.CoreV1().Pods("ns").List(h.ctx, metav1.ListOptions{})
	if err != nil {
		h.t.Fatal(err)
	}
	var out []corev1.Pod
	for _, p := range l.Items {
		if filter == nil || filter(&p) {
			out = append(out, p)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func running(p *corev1.Pod) bool {
	return p.Status.Phase != corev1.PodSucceeded && p.Status.Phase != corev1.PodFailed && p.DeletionTimestamp == nil
}

// finish plays kubelet: the pod ends in phase.
func (h *harness) finish(p corev1.Pod, phase corev1.PodPhase) {
	h.t.Helper()
	p.Status.Phase = phase
	if _, err := h.cs.CoreV1().Pods("ns").UpdateStatus(h.ctx, &p, metav1.UpdateOptions{}); err != nil {
		h.t.Fatal(err)
	}
}

func conditionTypes(j *batchv1.Job) string {
	var out []string
	for _, c := range j.Status.Conditions {
		if c.Status == corev1.ConditionTrue {
			out = append(out, string(c.Type)+"("+c.Reason+")")
		}
	}
	sort.Strings(out)
	return fmt.Sprint(out)
}
