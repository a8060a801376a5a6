package leaderelection

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	coordinationv1 "keel.dev/api/coordination/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/client/clock"
	"keel.dev/client/fake"
)

// harness runs candidates against one in-memory Lease store and fake clock.
type harness struct {
	t       *testing.T
	cs      *fake.Clientset
	clock   *clock.Fake
	running atomic.Int32
	mu      sync.Mutex
	log     []string
}

func newHarness(t *testing.T) *harness {
	return &harness{t: t, cs: fake.NewClientset(), clock: clock.NewFake(time.Unix(1_000_000, 0))}
}

func (h *harness) record(s string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.log = append(h.log, s)
}

func (h *harness) has(s string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, l := range h.log {
		if l == s {
			return true
		}
	}
	return false
}

// start runs a candidate until ctx is done or it loses the lease.
func (h *harness) start(ctx context.Context, id string) *Elector {
	e, err := New(Config{
		Client: h.cs.CoordinationV1().Leases("kube-system"), Namespace: "kube-system", Name: "ctrl",
		Identity: id, Clock: h.clock, ReleaseOnCancel: true,
		Callbacks: Callbacks{
			OnStartedLeading: func(context.Context) { h.record(id + " started") },
			OnStoppedLeading: func() { h.record(id + " stopped") },
		},
	})
	if err != nil {
		h.t.Fatal(err)
	}
	h.running.Add(1)
	go func() {
		defer h.running.Add(-1)
		e.Run(ctx)
	}()
	h.settle()
	return e
}

// settle waits until every running candidate is blocked on the clock.
func (h *harness) settle() {
	h.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for h.clock.Waiters() < int(h.running.Load()) {
		if time.Now().After(deadline) {
			h.t.Fatalf("candidates did not settle: %d waiters, %d running", h.clock.Waiters(), h.running.Load())
		}
		time.Sleep(time.Millisecond)
	}
	time.Sleep(2 * time.Millisecond)
}

// advance moves the clock in small steps, letting candidates act.
func (h *harness) advance(d time.Duration) {
	for step := 250 * time.Millisecond; d > 0; d -= step {
		h.clock.Step(step)
		h.settle()
	}
}

func (h *harness) lease() *coordinationv1.Lease {
	h.t.Helper()
	l, err := h.cs.CoordinationV1().Leases("kube-system").Get(context.Background(), "ctrl", metav1.GetOptions{})
	if err != nil {
		h.t.Fatal(err)
	}
	return l
}

func TestTwoCandidatesAcquireRenewStealAndRelease(t *testing.T) {
	h := newHarness(t)
	ctxA, cancelA := context.WithCancel(context.Background())
	defer cancelA()
	a := h.start(ctxA, "a")
	if !a.IsLeader() || !h.has("a started") {
		t.Fatal("the first candidate did not acquire a free lease")
	}
	ctxB, cancelB := context.WithCancel(context.Background())
	defer cancelB()
	b := h.start(ctxB, "b")

	t.Run("the leader renews and the standby waits", func(t *testing.T) {
		before := h.lease().Spec.RenewTime.Time
		h.advance(20 * time.Second)
		l := h.lease()
		if *l.Spec.HolderIdentity != "a" || !l.Spec.RenewTime.After(before) || b.IsLeader() {
			t.Errorf("holder %q renew %v (before %v)", *l.Spec.HolderIdentity, l.Spec.RenewTime, before)
		}
		if b.Leader() != "a" {
			t.Errorf("standby observed leader %q", b.Leader())
		}
	})

	t.Run("the standby steals an expired lease", func(t *testing.T) {
		// a's writes start failing, as if partitioned from the apiserver.
		h.cs.PrependReactor("update", "leases", func(act fake.Action) (bool, runtime.Object, error) {
			if l, ok := act.Object.(*coordinationv1.Lease); ok && *l.Spec.HolderIdentity == "a" {
				return true, nil, apierrors.NewServiceUnavailable("partitioned")
			}
			return false, nil, nil
		})
		h.advance(12 * time.Second)
		if !h.has("a stopped") {
			t.Fatal("the leader kept leading past its renew deadline")
		}
		if h.lease().Spec.HolderIdentity != nil && *h.lease().Spec.HolderIdentity == "b" {
			t.Fatal("the standby stole the lease before it expired")
		}
		// b may steal once it has seen the record unchanged for a lease
		// duration (15 s) from when it last saw it change — up to a retry
		// period (2 s) after a's last renewal, itself up to a retry period
		// before the partition — and acts on its next retry: by 19 s.
		h.advance(10 * time.Second)
		l := h.lease()
		if *l.Spec.HolderIdentity != "b" || !h.has("b started") || *l.Spec.LeaseTransitions != 1 {
			t.Errorf("after expiry holder=%q transitions=%d", *l.Spec.HolderIdentity, *l.Spec.LeaseTransitions)
		}
	})

	t.Run("cancelling the leader releases at once", func(t *testing.T) {
		cancelB()
		deadline := time.Now().Add(5 * time.Second)
		for !h.has("b stopped") && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		if l := h.lease(); *l.Spec.HolderIdentity != "" {
			t.Fatalf("holder after release = %q", *l.Spec.HolderIdentity)
		}
		ctxC, cancelC := context.WithCancel(context.Background())
		defer cancelC()
		c := h.start(ctxC, "c")
		l := h.lease()
		if !c.IsLeader() || *l.Spec.HolderIdentity != "c" || *l.Spec.LeaseTransitions != 2 {
			t.Errorf("a new candidate did not take the released lease at once: holder=%q transitions=%d", *l.Spec.HolderIdentity, *l.Spec.LeaseTransitions)
		}
	})
}

func TestConfigValidation(t *testing.T) {
	leases := fake.NewClientset().CoordinationV1().Leases("x")
	ok := func(context.Context) {}
	cases := []struct {
		name string
		cfg  Config
	}{
		{"a missing client", Config{Name: "n", Identity: "i", Callbacks: Callbacks{OnStartedLeading: ok}}},
		{"a missing identity", Config{Client: leases, Name: "n", Callbacks: Callbacks{OnStartedLeading: ok}}},
		{"a missing OnStartedLeading", Config{Client: leases, Name: "n", Identity: "i"}},
		{"a renew deadline longer than the lease", Config{Client: leases, Name: "n", Identity: "i", LeaseDuration: time.Second, RenewDeadline: 2 * time.Second, Callbacks: Callbacks{OnStartedLeading: ok}}},
	}
	for _, tc := range cases {
		t.Run(tc.name+" is rejected", func(t *testing.T) {
			if _, err := New(tc.cfg); err == nil {
				t.Error("New accepted the config")
			}
		})
	}
}
