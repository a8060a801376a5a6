package ttlafterfinished

import (
	"context"
	"testing"
	"time"

	batchv1 "keel.dev/api/batch/v1"
	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/types"
	"keel.dev/client/clock"
	"keel.dev/client/fake"
	"keel.dev/client/informers"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func finishedJob(name string, ttl *int32, cond batchv1.JobConditionType) *batchv1.Job {
	j := &batchv1.Job{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ns", UID: types.UID("uid-" + name)}}
	j.Spec.TTLSecondsAfterFinished = ttl
	if cond != "" {
		j.Status.Conditions = []batchv1.JobCondition{{Type: cond, Status: corev1.ConditionTrue, LastTransitionTime: metav1.NewTime(t0)}}
	}
	return j
}

func TestSync(t *testing.T) {
	ttl := func(v int32) *int32 { return &v }
	tests := []struct {
		name        string
		job         *batchv1.Job
		elapsed     time.Duration
		wantDeleted bool
	}{
		{"a completed job is kept before its TTL", finishedJob("j", ttl(100), batchv1.JobComplete), 99 * time.Second, false},
		{"a completed job is deleted once its TTL passed", finishedJob("j", ttl(100), batchv1.JobComplete), 100 * time.Second, true},
		{"a failed job is deleted once its TTL passed", finishedJob("j", ttl(0), batchv1.JobFailed), 0, true},
		{"a job without a TTL is kept", finishedJob("j", nil, batchv1.JobComplete), time.Hour, false},
		{"a running job is kept", finishedJob("j", ttl(0), ""), time.Hour, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs := fake.NewClientset([]runtime.Object{tt.job}...)
			fc := clock.NewFake(t0.Add(tt.elapsed))
			f := informers.NewFactory(cs.Clientset, 0)
			c := New(cs.Clientset, f, Options{Clock: fc})
			ctx, cancel := context.WithCancel(context.Background())
			defer func() { cancel(); f.Shutdown() }()
			f.Start(ctx)
			if !f.WaitForCacheSync(ctx) {
				t.Fatal("caches did not sync")
			}
			if err := c.sync(ctx, "ns/j"); err != nil {
				t.Fatal(err)
			}
			var del *fake.Action
			for _, a := range cs.Actions() {
				if a.Verb == "delete" {
					del = &a
				}
			}
			if (del != nil) != tt.wantDeleted {
				t.Fatalf("deleted = %v, want %v", del != nil, tt.wantDeleted)
			}
			_, err := cs.BatchV1().Jobs("ns").Get(ctx, "j", metav1.GetOptions{})
			if gone := err != nil; gone != tt.wantDeleted {
				t.Errorf("job gone = %v, want %v", gone, tt.wantDeleted)
			}
		})
	}
}

func TestDeleteOptions(t *testing.T) {
	opts := deleteOptions("u1")
	if opts.PropagationPolicy == nil || *opts.PropagationPolicy != metav1.DeletePropagationForeground {
		t.Errorf("propagationPolicy = %v, want Foreground", opts.PropagationPolicy)
	}
	if opts.Preconditions == nil || opts.Preconditions.UID == nil || *opts.Preconditions.UID != "u1" {
		t.Errorf("preconditions = %+v, want UID u1", opts.Preconditions)
	}
}

func TestFreshReadWins(t *testing.T) {
	// The cache says the TTL expired, but the stored job's TTL was raised.
	j := finishedJob("j", new(int32(0)), batchv1.JobComplete)
	cs := fake.NewClientset(j)
	f := informers.NewFactory(cs.Clientset, 0)
	c := New(cs.Clientset, f, Options{Clock: clock.NewFake(t0.Add(time.Minute))})
	ctx, cancel := context.WithCancel(context.Background())
	defer func() { cancel(); f.Shutdown() }()
	f.Start(ctx)
	if !f.WaitForCacheSync(ctx) {
		t.Fatal("caches did not sync")
	}
	// Update the server behind the informer's back by stopping it first.
	cancel()
	f.Shutdown()
	upd := j.DeepCopy()
	upd.Spec.TTLSecondsAfterFinished = new(int32(3600))
	if _, err := cs.BatchV1().Jobs("ns").Update(context.Background(), upd, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := c.sync(context.Background(), "ns/j"); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.BatchV1().Jobs("ns").Get(context.Background(), "j", metav1.GetOptions{}); err != nil {
		t.Fatalf("job deleted although its stored TTL has not expired: %v", err)
	}
}
