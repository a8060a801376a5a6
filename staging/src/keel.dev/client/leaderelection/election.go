package leaderelection

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"reflect"
	"sync"
	"time"

	coordinationv1 "keel.dev/api/coordination/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/client/clock"
)

// Defaults of Config, as in Kubernetes' components.
const (
	DefaultLeaseDuration = 15 * time.Second
	DefaultRenewDeadline = 10 * time.Second
	DefaultRetryPeriod   = 2 * time.Second
)

// LeaseClient reads and writes Leases of one namespace; the typed Lease
// client (cs.CoordinationV1().Leases(ns)) implements it.
type LeaseClient interface {
	Get(ctx context.Context, name string, opts metav1.GetOptions) (*coordinationv1.Lease, error)
	Create(ctx context.Context, lease *coordinationv1.Lease, opts metav1.CreateOptions) (*coordinationv1.Lease, error)
	Update(ctx context.Context, lease *coordinationv1.Lease, opts metav1.UpdateOptions) (*coordinationv1.Lease, error)
}

// Callbacks are the leader's life-cycle hooks.
type Callbacks struct {
	// OnStartedLeading runs in its own goroutine when leadership is won; its
	// ctx is cancelled when leadership is lost.
	OnStartedLeading func(ctx context.Context)
	// OnStoppedLeading is called when a leader stops leading (lost or released).
	OnStoppedLeading func()
	// OnNewLeader is called when the observed leader changes (including to us).
	OnNewLeader func(identity string)
}

// Config configures an Elector.
type Config struct {
	// Client reads and writes the lease.
	Client LeaseClient
	// Namespace and Name locate the lease.
	Namespace, Name string
	// Identity names this candidate (usually hostname_uuid).
	Identity string
	// LeaseDuration, RenewDeadline and RetryPeriod default to 15 s, 10 s, 2 s.
	LeaseDuration, RenewDeadline, RetryPeriod time.Duration
	// Callbacks are the life-cycle hooks; OnStartedLeading is required.
	Callbacks Callbacks
	// ReleaseOnCancel clears the holder when ctx is cancelled while leading.
	ReleaseOnCancel bool
	// Clock defaults to the wall clock.
	Clock clock.Clock
}

// Elector runs one candidate.
type Elector struct {
	cfg Config

	mu           sync.Mutex
	observed     coordinationv1.LeaseSpec
	observedRV   string
	observedTime time.Time
	haveRecord   bool
	leader       string
	reported     string
}

// New validates cfg and returns an elector.
func New(cfg Config) (*Elector, error) {
	if cfg.LeaseDuration == 0 {
		cfg.LeaseDuration = DefaultLeaseDuration
	}
	if cfg.RenewDeadline == 0 {
		cfg.RenewDeadline = DefaultRenewDeadline
	}
	if cfg.RetryPeriod == 0 {
		cfg.RetryPeriod = DefaultRetryPeriod
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.Real{}
	}
	switch {
	case cfg.Client == nil:
		return nil, errors.New("leader election: Client is required")
	case cfg.Name == "" || cfg.Identity == "":
		return nil, errors.New("leader election: Name and Identity are required")
	case cfg.Callbacks.OnStartedLeading == nil:
		return nil, errors.New("leader election: OnStartedLeading is required")
	case cfg.LeaseDuration <= cfg.RenewDeadline:
		return nil, errors.New("leader election: LeaseDuration must exceed RenewDeadline")
	case cfg.RenewDeadline <= cfg.RetryPeriod:
		return nil, errors.New("leader election: RenewDeadline must exceed RetryPeriod")
	}
	return &Elector{cfg: cfg}, nil
}

// Run campaigns until ctx is done or leadership, once won, is lost. It is
// the usual entry point: Run(ctx, cfg).
func Run(ctx context.Context, cfg Config) error {
	e, err := New(cfg)
	if err != nil {
		return err
	}
	e.Run(ctx)
	return nil
}

// Leader returns the identity last observed holding the lease.
func (e *Elector) Leader() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.leader
}

// IsLeader reports whether this candidate holds the lease.
func (e *Elector) IsLeader() bool { return e.Leader() == e.cfg.Identity }

// Run acquires the lease, runs OnStartedLeading, renews until renewal fails
// or ctx is done, then calls OnStoppedLeading and returns.
func (e *Elector) Run(ctx context.Context) {
	if !e.acquire(ctx) {
		return
	}
	leadCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	go e.cfg.Callbacks.OnStartedLeading(leadCtx)
	e.renew(leadCtx)
	cancel()
	if e.cfg.ReleaseOnCancel && ctx.Err() != nil {
		e.release()
	}
	if e.cfg.Callbacks.OnStoppedLeading != nil {
		e.cfg.Callbacks.OnStoppedLeading()
	}
}

// jittered returns the retry period plus up to 20 %.
func (e *Elector) jittered() time.Duration {
	p := e.cfg.RetryPeriod
	return p + time.Duration(rand.Float64()*0.2*float64(p))
}

// acquire retries until the lease is ours or ctx is done.
func (e *Elector) acquire(ctx context.Context) bool {
	for {
		if e.tryAcquireOrRenew(ctx) {
			return true
		}
		if !clock.Sleep(e.cfg.Clock, e.jittered(), ctx.Done()) {
			return false
		}
	}
}

// renew renews every retry period; it returns when a renewal could not
// succeed within the renew deadline, or ctx is done.
func (e *Elector) renew(ctx context.Context) {
	for {
		deadline := e.cfg.Clock.Now().Add(e.cfg.RenewDeadline)
		renewed := false
		for e.cfg.Clock.Now().Before(deadline) {
			if ctx.Err() != nil {
				return
			}
			rctx, cancel := context.WithCancel(ctx)
			ok := e.tryAcquireOrRenew(rctx)
			cancel()
			if ok {
				renewed = true
				break
			}
			if !clock.Sleep(e.cfg.Clock, e.cfg.RetryPeriod, ctx.Done()) {
				return
			}
		}
		if !renewed {
			slog.Info("leader election: failed to renew lease", "lease", e.cfg.Namespace+"/"+e.cfg.Name, "identity", e.cfg.Identity)
			return
		}
		if !clock.Sleep(e.cfg.Clock, e.cfg.RetryPeriod, ctx.Done()) {
			return
		}
	}
}

// tryAcquireOrRenew makes one attempt to take or keep the lease.
func (e *Elector) tryAcquireOrRenew(ctx context.Context) bool {
	now := metav1.NewMicroTime(e.cfg.Clock.Now())
	durSecs := int32(e.cfg.LeaseDuration / time.Second)
	leases := e.cfg.Client
	cur, err := leases.Get(ctx, e.cfg.Name, metav1.GetOptions{})
	if err != nil {
		if !apierrors.IsNotFound(err) {
			return false
		}
		zero := int32(0)
		lease := &coordinationv1.Lease{
			ObjectMeta: metav1.ObjectMeta{Namespace: e.cfg.Namespace, Name: e.cfg.Name},
			Spec: coordinationv1.LeaseSpec{
				HolderIdentity: &e.cfg.Identity, LeaseDurationSeconds: &durSecs,
				AcquireTime: &now, RenewTime: &now, LeaseTransitions: &zero,
			},
		}
		created, err := leases.Create(ctx, lease, metav1.CreateOptions{})
		if err != nil {
			return false
		}
		e.observe(created)
		return true
	}
	e.observe(cur)
	holder := deref(cur.Spec.HolderIdentity)
	if holder != "" && holder != e.cfg.Identity && !e.expired() {
		return false
	}
	next := cur.DeepCopy()
	spec := &next.Spec
	if holder != e.cfg.Identity {
		transitions := int32(0)
		if spec.LeaseTransitions != nil {
			transitions = *spec.LeaseTransitions
		}
		if holder != "" || spec.LeaseTransitions != nil {
			transitions++
		}
		spec.LeaseTransitions = &transitions
		spec.AcquireTime = &now
	}
	spec.HolderIdentity = &e.cfg.Identity
	spec.LeaseDurationSeconds = &durSecs
	spec.RenewTime = &now
	updated, err := leases.Update(ctx, next, metav1.UpdateOptions{})
	if err != nil {
		return false
	}
	e.observe(updated)
	return true
}

// observe records the lease as seen now (if it changed) and reports a new leader.
func (e *Elector) observe(l *coordinationv1.Lease) {
	e.mu.Lock()
	if !e.haveRecord || !reflect.DeepEqual(e.observed, l.Spec) {
		e.observed = *l.Spec.DeepCopy()
		e.observedTime = e.cfg.Clock.Now()
		e.haveRecord = true
	}
	e.observedRV = l.ResourceVersion
	e.leader = deref(l.Spec.HolderIdentity)
	report := e.leader != e.reported && e.leader != ""
	if report {
		e.reported = e.leader
	}
	leader := e.leader
	e.mu.Unlock()
	if report && e.cfg.Callbacks.OnNewLeader != nil {
		go e.cfg.Callbacks.OnNewLeader(leader)
	}
}

// expired reports whether the observed record's lease has run out, judged
// by the local time at which it was observed.
func (e *Elector) expired() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	dur := e.cfg.LeaseDuration
	if e.observed.LeaseDurationSeconds != nil {
		dur = time.Duration(*e.observed.LeaseDurationSeconds) * time.Second
	}
	return !e.observedTime.Add(dur).After(e.cfg.Clock.Now())
}

// release clears the holder so a standby can take over immediately.
func (e *Elector) release() {
	ctx, cancel := context.WithTimeout(context.Background(), e.cfg.RenewDeadline)
	defer cancel()
	cur, err := e.cfg.Client.Get(ctx, e.cfg.Name, metav1.GetOptions{})
	if err != nil || deref(cur.Spec.HolderIdentity) != e.cfg.Identity {
		return
	}
	next := cur.DeepCopy()
	now := metav1.NewMicroTime(e.cfg.Clock.Now())
	one := int32(1)
	empty := ""
	next.Spec.HolderIdentity = &empty
	next.Spec.LeaseDurationSeconds = &one
	next.Spec.RenewTime = &now
	next.Spec.AcquireTime = &now
	if _, err := e.cfg.Client.Update(ctx, next, metav1.UpdateOptions{}); err != nil {
		slog.Info("leader election: release failed", "err", fmt.Errorf("release lease %s/%s: %w", e.cfg.Namespace, e.cfg.Name, err))
		return
	}
	e.mu.Lock()
	e.leader = ""
	e.mu.Unlock()
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
