package lifecycle

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/util/intstr"
	"keel.dev/keel/pkg/kubelet/clock"
)

func TestHTTPGetHook(t *testing.T) {
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		if r.URL.Path == "/fail" {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	_, p, _ := net.SplitHostPort(srv.Listener.Addr().String())
	port, _ := strconv.Atoi(p)
	r := &Runner{}
	c := &corev1.Container{Name: "c"}
	ok := &corev1.LifecycleHandler{HTTPGet: &corev1.HTTPGetAction{Path: "ok", Port: intstr.FromInt32(int32(port))}}
	if err := r.Run(context.Background(), &corev1.Pod{}, c, "id", "127.0.0.1", ok); err != nil {
		t.Fatalf("hook failed: %v", err)
	}
	bad := &corev1.LifecycleHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/fail", Port: intstr.FromInt32(int32(port))}}
	if err := r.Run(context.Background(), &corev1.Pod{}, c, "id", "127.0.0.1", bad); err == nil {
		t.Fatalf("503 hook succeeded")
	}
	if hits != 2 {
		t.Errorf("server hits = %d", hits)
	}
}

func TestSleepHookWaitsOnTheClock(t *testing.T) {
	clk := clock.NewFake(time.Unix(0, 0))
	r := &Runner{Clock: clk}
	done := make(chan error, 1)
	go func() {
		done <- r.Run(context.Background(), &corev1.Pod{}, &corev1.Container{}, "id", "", &corev1.LifecycleHandler{Sleep: &corev1.SleepAction{Seconds: 5}})
	}()
	for clk.Waiters() == 0 {
		time.Sleep(time.Millisecond)
	}
	clk.Advance(4 * time.Second)
	select {
	case <-done:
		t.Fatal("sleep hook returned before 5s")
	case <-time.After(20 * time.Millisecond):
	}
	clk.Advance(time.Second)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestResolvePort(t *testing.T) {
	c := &corev1.Container{Name: "c", Ports: []corev1.ContainerPort{{Name: "web", ContainerPort: 8080}}}
	if p, err := ResolvePort(intstr.FromString("web"), c); err != nil || p != 8080 {
		t.Errorf("named port = %d, %v", p, err)
	}
	if _, err := ResolvePort(intstr.FromString("nope"), c); err == nil {
		t.Errorf("unknown named port resolved")
	}
}
