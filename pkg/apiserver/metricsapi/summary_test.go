package metricsapi

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
)

func TestKubeletAddress(t *testing.T) {
	cases := []struct {
		name     string
		addrs    []corev1.NodeAddress
		port     int32
		wantHost string
		wantPort int
		wantErr  error
	}{
		{"internal IP first", []corev1.NodeAddress{{Type: corev1.NodeHostName, Address: "h"}, {Type: corev1.NodeInternalIP, Address: "10.0.0.1"}}, 10255, "10.0.0.1", 10255, nil},
		{"first address otherwise, default port", []corev1.NodeAddress{{Type: corev1.NodeHostName, Address: "h"}}, 0, "h", DefaultKubeletPort, nil},
		{"no address", nil, 10250, "", 0, ErrNoAddress},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "n"}, Status: corev1.NodeStatus{Addresses: c.addrs,
				DaemonEndpoints: corev1.NodeDaemonEndpoints{KubeletEndpoint: corev1.DaemonEndpoint{Port: c.port}}}}
			host, port, err := KubeletAddress(n)
			if host != c.wantHost || port != c.wantPort || !errors.Is(err, c.wantErr) {
				t.Errorf("got %q %d %v", host, port, err)
			}
		})
	}
}

func TestKubeletClientFetchesTheCPUAndMemorySummary(t *testing.T) {
	var gotPath, gotQuery string
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotPath, gotQuery = r.URL.Path, r.URL.RawQuery
		if r.URL.Path != "/stats/summary" {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write([]byte(`{"node":{"nodeName":"n1","cpu":{"time":"2026-01-02T03:04:05Z","usageNanoCores":123,"usageCoreNanoSeconds":9},"memory":{"time":"2026-01-02T03:04:05Z","workingSetBytes":456}},
"pods":[{"podRef":{"name":"p","namespace":"x","uid":"u"},"containers":[{"name":"c","cpu":{"time":"2026-01-02T03:04:05Z","usageNanoCores":7},"memory":{"time":"2026-01-02T03:04:05Z","workingSetBytes":8}}]}]}`))
	}))
	defer srv.Close()
	host, p, _ := net.SplitHostPort(srv.Listener.Addr().String())
	port, _ := strconv.Atoi(p)
	node := func(port int) *corev1.Node {
		return &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "n1"}, Status: corev1.NodeStatus{
			Addresses:       []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: host}},
			DaemonEndpoints: corev1.NodeDaemonEndpoints{KubeletEndpoint: corev1.DaemonEndpoint{Port: int32(port)}}}}
	}
	k := KubeletClient{Transport: func() (http.RoundTripper, error) { return srv.Client().Transport, nil }}
	sum, err := k.Summary(context.Background(), node(port))
	if err != nil {
		t.Fatal(err)
	}
	if gotPath != "/stats/summary" || gotQuery != "only_cpu_and_memory=true" {
		t.Errorf("requested %s?%s", gotPath, gotQuery)
	}
	if sum.Node.NodeName != "n1" || *sum.Node.CPU.UsageNanoCores != 123 || *sum.Node.Memory.WorkingSetBytes != 456 {
		t.Errorf("node %+v", sum.Node)
	}
	if len(sum.Pods) != 1 || sum.Pods[0].PodRef.UID != "u" || *sum.Pods[0].Containers[0].CPU.UsageNanoCores != 7 {
		t.Errorf("pods %+v", sum.Pods)
	}

	// A kubelet answering an error status is an error.
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "forbidden", http.StatusForbidden)
	})
	if _, err := k.Summary(context.Background(), node(port)); err == nil {
		t.Error("no error for a 403")
	}
}
