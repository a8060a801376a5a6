// Package prober runs liveness, readiness and startup probes (exec through
// the runtime, httpGet, tcpSocket and gRPC health) and keeps their results
// per container with Kubernetes' thresholds.
package prober

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/keel/pkg/kubelet/clock"
	"keel.dev/keel/pkg/kubelet/lifecycle"
)

// Kind is a probe type.
type Kind int

// The probe kinds.
const (
	Liveness Kind = iota
	Readiness
	Startup
)

func (k Kind) String() string {
	return [...]string{"Liveness", "Readiness", "Startup"}[k]
}

// Target is a running container whose probes should run.
type Target struct {
	Pod       *corev1.Pod
	Container *corev1.Container
	ID        string
	StartedAt time.Time
	PodIP     string
}

type key struct {
	id   string
	kind Kind
}

type state struct {
	nextAt    time.Time
	successes int32
	failures  int32
	result    bool // last settled result
	settled   bool
	lastErr   string
}

// Failure is one failed probe run, reported once through TakeFailures.
type Failure struct {
	// ID is the container ID.
	ID string
	// Container is the container's name.
	Container string
	// Kind is the probe that failed.
	Kind Kind
	// Output is what the probe reported: the command's output for exec
	// probes, the error for the others.
	Output string
}

// Manager runs probes when they are due and remembers their results.
type Manager struct {
	Runtime runtimeapi.RuntimeServiceClient
	Clock   clock.Clock

	mu       sync.Mutex
	states   map[key]*state
	failures []Failure
}

// NewManager returns a Manager that execs through rt.
func NewManager(rt runtimeapi.RuntimeServiceClient, clk clock.Clock) *Manager {
	return &Manager{Runtime: rt, Clock: clk, states: map[key]*state{}}
}

func defaults(p *corev1.Probe) (period, timeout time.Duration, success, failure int32) {
	period, timeout, success, failure = 10*time.Second, time.Second, 1, 3
	if p.PeriodSeconds > 0 {
		period = time.Duration(p.PeriodSeconds) * time.Second
	}
	if p.TimeoutSeconds > 0 {
		timeout = time.Duration(p.TimeoutSeconds) * time.Second
	}
	if p.SuccessThreshold > 0 {
		success = p.SuccessThreshold
	}
	if p.FailureThreshold > 0 {
		failure = p.FailureThreshold
	}
	return
}

func probeOf(c *corev1.Container, k Kind) *corev1.Probe {
	switch k {
	case Liveness:
		return c.LivenessProbe
	case Readiness:
		return c.ReadinessProbe
	}
	return c.StartupProbe
}

// Run probes every target whose probes are due, startup first; liveness and
// readiness wait until the startup probe has succeeded.
func (m *Manager) Run(ctx context.Context, targets []Target) {
	var wg sync.WaitGroup
	for _, t := range targets {
		wg.Add(1)
		go func(t Target) {
			defer wg.Done()
			if t.Container.StartupProbe != nil {
				m.runOne(ctx, t, Startup)
			}
			if !m.Started(t.ID, t.Container) {
				return
			}
			if t.Container.LivenessProbe != nil {
				m.runOne(ctx, t, Liveness)
			}
			if t.Container.ReadinessProbe != nil {
				m.runOne(ctx, t, Readiness)
			}
		}(t)
	}
	wg.Wait()
}

func (m *Manager) runOne(ctx context.Context, t Target, k Kind) {
	p := probeOf(t.Container, k)
	period, timeout, successTh, failureTh := defaults(p)
	now := m.Clock.Now()
	m.mu.Lock()
	st := m.states[key{t.ID, k}]
	if st == nil {
		st = &state{nextAt: t.StartedAt.Add(time.Duration(p.InitialDelaySeconds) * time.Second)}
		m.states[key{t.ID, k}] = st
	}
	// a settled startup probe is never run again.
	if now.Before(st.nextAt) || (k == Startup && st.settled && st.result) {
		m.mu.Unlock()
		return
	}
	st.nextAt = now.Add(period)
	m.mu.Unlock()

	pctx, cancel := context.WithTimeout(ctx, timeout)
	err := m.probe(pctx, t, p, timeout)
	cancel()

	m.mu.Lock()
	defer m.mu.Unlock()
	if err == nil {
		st.failures = 0
		st.successes++
		if st.successes >= successTh {
			st.result, st.settled = true, true
		}
		st.lastErr = ""
		return
	}
	st.lastErr = err.Error()
	m.failures = append(m.failures, Failure{ID: t.ID, Container: t.Container.Name, Kind: k, Output: st.lastErr})
	st.successes = 0
	st.failures++
	if st.failures >= failureTh {
		st.result, st.settled = false, true
	}
}

func (m *Manager) probe(ctx context.Context, t Target, p *corev1.Probe, timeout time.Duration) error {
	switch {
	case p.Exec != nil:
		resp, err := m.Runtime.ExecSync(ctx, &runtimeapi.ExecSyncRequest{ContainerId: t.ID, Cmd: p.Exec.Command, Timeout: int64(timeout / time.Second)})
		if err != nil {
			return err
		}
		if resp.ExitCode != 0 {
			// like Kubernetes, the failure reads as the command's own output.
			return errors.New(string(append(resp.Stdout, resp.Stderr...)))
		}
		return nil
	case p.HTTPGet != nil:
		return lifecycle.HTTPGet(ctx, nil, t.Container, t.PodIP, p.HTTPGet)
	case p.TCPSocket != nil:
		port, err := lifecycle.ResolvePort(p.TCPSocket.Port, t.Container)
		if err != nil {
			return err
		}
		host := p.TCPSocket.Host
		if host == "" {
			host = t.PodIP
		}
		var d net.Dialer
		conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(host, strconv.Itoa(port)))
		if err != nil {
			return err
		}
		return conn.Close()
	case p.GRPC != nil:
		conn, err := grpc.NewClient(net.JoinHostPort(t.PodIP, strconv.Itoa(int(p.GRPC.Port))), grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			return err
		}
		defer conn.Close()
		svc := ""
		if p.GRPC.Service != nil {
			svc = *p.GRPC.Service
		}
		resp, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{Service: svc})
		if err != nil {
			return err
		}
		if resp.Status != healthpb.HealthCheckResponse_SERVING {
			return fmt.Errorf("service unhealthy (responded with %q)", resp.Status)
		}
		return nil
	}
	return fmt.Errorf("probe has no action")
}

func (m *Manager) settled(id string, k Kind) (result, settled bool, msg string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if st := m.states[key{id, k}]; st != nil {
		return st.result, st.settled, st.lastErr
	}
	return false, false, ""
}

// Started reports whether container id passed its startup probe (true without one).
func (m *Manager) Started(id string, c *corev1.Container) bool {
	if c.StartupProbe == nil {
		return true
	}
	r, ok, _ := m.settled(id, Startup)
	return ok && r
}

// Ready reports whether container id is ready: started, and its readiness
// probe (if any) has succeeded successThreshold times in a row.
func (m *Manager) Ready(id string, c *corev1.Container) bool {
	if !m.Started(id, c) {
		return false
	}
	if c.ReadinessProbe == nil {
		return true
	}
	r, ok, _ := m.settled(id, Readiness)
	return ok && r
}

// Failed reports whether the liveness or startup probe of container id has
// failed failureThreshold times in a row, and which probe with what message.
func (m *Manager) Failed(id string, c *corev1.Container) (bool, Kind, string) {
	for _, k := range []Kind{Startup, Liveness} {
		if probeOf(c, k) == nil {
			continue
		}
		if r, ok, msg := m.settled(id, k); ok && !r {
			return true, k, msg
		}
	}
	return false, 0, ""
}

// TakeFailures returns the probe runs that failed since the last call, in
// the order they finished, and forgets them.
func (m *Manager) TakeFailures() []Failure {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := m.failures
	m.failures = nil
	return out
}

// Forget drops the results of containers not in keep.
func (m *Manager) Forget(keep map[string]bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for k := range m.states {
		if !keep[k.id] {
			delete(m.states, k)
		}
	}
}
