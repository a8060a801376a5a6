package prober

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/util/intstr"
	"keel.dev/keel/pkg/kubelet/clock"
)

var start = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func target(c *corev1.Container) Target {
	return Target{Pod: &corev1.Pod{}, Container: c, ID: "c1", StartedAt: start, PodIP: "127.0.0.1"}
}

func portOf(t *testing.T, addr string) int {
	_, p, _ := net.SplitHostPort(addr)
	n, err := strconv.Atoi(p)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestHTTPProbeThresholdsAndNamedPort(t *testing.T) {
	healthy := true
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" || r.Header.Get("X-Probe") != "yes" {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		if !healthy {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusFound)
	}))
	defer srv.Close()
	port := portOf(t, srv.Listener.Addr().String())
	c := &corev1.Container{Name: "app", Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: int32(port)}},
		ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/healthz", Port: intstr.FromString("http"),
			HTTPHeaders: []corev1.HTTPHeader{{Name: "X-Probe", Value: "yes"}}}},
			InitialDelaySeconds: 5, PeriodSeconds: 2, SuccessThreshold: 2, FailureThreshold: 2}}
	clk := clock.NewFake(start)
	m := NewManager(nil, clk)
	step := func(d time.Duration) bool {
		clk.Advance(d)
		m.Run(context.Background(), []Target{target(c)})
		return m.Ready("c1", c)
	}
	if step(4 * time.Second) {
		t.Fatal("ready before initialDelaySeconds")
	}
	if step(time.Second) {
		t.Fatal("ready after 1 success with successThreshold 2")
	}
	if step(time.Second) {
		t.Fatal("probed again before periodSeconds passed")
	}
	if !step(time.Second) {
		t.Fatal("not ready after 2 successes")
	}
	healthy = false
	if !step(2 * time.Second) {
		t.Fatal("unready after 1 failure with failureThreshold 2")
	}
	if step(2 * time.Second) {
		t.Fatal("still ready after 2 failures")
	}
}

func TestTCPAndGRPCLiveness(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gs := grpc.NewServer()
	hs := health.NewServer()
	healthpb.RegisterHealthServer(gs, hs)
	go gs.Serve(lis)
	defer gs.Stop()
	port := portOf(t, lis.Addr().String())
	clk := clock.NewFake(start)
	m := NewManager(nil, clk)

	tcp := &corev1.Container{Name: "tcp", LivenessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{Port: intstr.FromInt32(int32(port))}}, FailureThreshold: 1}}
	m.Run(context.Background(), []Target{target(tcp)})
	if failed, _, msg := m.Failed("c1", tcp); failed {
		t.Fatalf("tcp liveness failed against an open port: %s", msg)
	}

	svc := "keel"
	hs.SetServingStatus(svc, healthpb.HealthCheckResponse_NOT_SERVING)
	g := &corev1.Container{Name: "g", LivenessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{GRPC: &corev1.GRPCAction{Port: int32(port), Service: &svc}}, FailureThreshold: 1, PeriodSeconds: 1}}
	tg := target(g)
	tg.ID = "g1"
	m.Run(context.Background(), []Target{tg})
	if failed, kind, _ := m.Failed("g1", g); !failed || kind != Liveness {
		t.Fatalf("grpc liveness against NOT_SERVING did not fail")
	}
	fs := m.TakeFailures()
	if len(fs) != 1 || fs[0].ID != "g1" || fs[0].Container != "g" || fs[0].Kind != Liveness || fs[0].Output != `service unhealthy (responded with "NOT_SERVING")` {
		t.Fatalf("failures = %+v, want the one NOT_SERVING run", fs)
	}
	if fs := m.TakeFailures(); len(fs) != 0 {
		t.Fatalf("failures reported twice: %+v", fs)
	}
	hs.SetServingStatus(svc, healthpb.HealthCheckResponse_SERVING)
	clk.Advance(time.Second)
	m.Run(context.Background(), []Target{tg})
	if failed, _, msg := m.Failed("g1", g); failed {
		t.Fatalf("grpc liveness against SERVING failed: %s", msg)
	}

	gs.Stop()
	clk.Advance(10 * time.Second)
	m.Run(context.Background(), []Target{target(tcp)})
	if failed, _, _ := m.Failed("c1", tcp); !failed {
		t.Errorf("tcp liveness passed against a closed port")
	}
	m.Forget(map[string]bool{})
	if failed, _, _ := m.Failed("c1", tcp); failed {
		t.Errorf("Forget kept results")
	}
}
