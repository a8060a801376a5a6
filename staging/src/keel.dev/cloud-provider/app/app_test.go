package app

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/client/fake"
	"keel.dev/client/rest"
	"keel.dev/client/typed"

	cloudprovider "keel.dev/cloud-provider"
	"keel.dev/cloud-provider/internal/cloudtest"
)

func TestEnabledControllers(t *testing.T) {
	tests := []struct {
		name    string
		flag    []string
		want    map[string]bool
		wantErr bool
	}{
		{name: "star enables every controller", flag: []string{"*"},
			want: map[string]bool{ControllerCloudNode: true, ControllerCloudNodeLifecycle: true, ControllerService: true, ControllerRoute: true}},
		{name: "a minus disables one controller", flag: []string{"*", "-route"},
			want: map[string]bool{ControllerCloudNode: true, ControllerCloudNodeLifecycle: true, ControllerService: true, ControllerRoute: false}},
		{name: "a list without star enables only the named controllers", flag: []string{"service"},
			want: map[string]bool{ControllerCloudNode: false, ControllerCloudNodeLifecycle: false, ControllerService: true, ControllerRoute: false}},
		{name: "an unknown name is an error", flag: []string{"*", "bogus"}, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := NewConfig()
			cfg.Controllers = tc.flag
			got, err := cfg.enabledControllers()
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tc.wantErr)
			}
			for k, v := range tc.want {
				if got[k] != v {
					t.Errorf("%s = %v, want %v", k, got[k], v)
				}
			}
		})
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Config)
		want   string
	}{
		{"a missing provider is rejected", func(c *Config) {}, "--cloud-provider is required"},
		{"external is rejected", func(c *Config) { c.CloudProvider = "external" }, "names no provider"},
		{"a bad cluster CIDR is rejected", func(c *Config) { c.CloudProvider = "x"; c.ClusterCIDR = "10.0.0.0/99" }, "--cluster-cidr"},
		{"zero service workers are rejected", func(c *Config) { c.CloudProvider = "x"; c.ConcurrentServiceSyncs = 0 }, "--concurrent-service-syncs"},
		{"a complete config is accepted", func(c *Config) { c.CloudProvider = "x"; c.ClusterCIDR = "10.244.0.0/16,fd00::/48" }, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := NewConfig()
			tc.mutate(cfg)
			err := cfg.Validate()
			if tc.want == "" {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.want)
			}
		})
	}
}

func TestNewCommand(t *testing.T) {
	reg := cloudprovider.NewRegistry()
	if err := reg.Register("testcloud", func(io.Reader) (cloudprovider.Interface, error) { return cloudtest.New(), nil }); err != nil {
		t.Fatal(err)
	}
	t.Run("help lists the flags and the registered providers", func(t *testing.T) {
		cmd := NewCommand(WithRegistry(reg), WithName("test-ccm"))
		var out bytes.Buffer
		cmd.SetOut(&out)
		cmd.SetArgs([]string{"--help"})
		if err := cmd.Execute(); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"test-ccm", "--cloud-provider", "testcloud", "--cloud-config", "--kubeconfig",
			"--cluster-name", "--controllers", "--leader-elect", "--kube-api-qps", "--kube-api-burst",
			"--concurrent-service-syncs", "--node-monitor-period", "--bind-address", "--secure-port"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("help lacks %q", want)
			}
		}
	})
	t.Run("an unknown provider fails without exiting", func(t *testing.T) {
		cmd := NewCommand(WithRegistry(reg))
		cmd.SetOut(io.Discard)
		cmd.SetErr(io.Discard)
		cmd.SetArgs([]string{"--cloud-provider=nope", "--secure-port=0"})
		if err := cmd.Execute(); !errors.Is(err, cloudprovider.ErrUnknownProvider) {
			t.Fatalf("err = %v, want ErrUnknownProvider", err)
		}
	})
	t.Run("the default provider option sets the flag default", func(t *testing.T) {
		cmd := NewCommand(WithRegistry(reg), WithDefaultCloudProvider("testcloud"))
		if got := cmd.Flags().Lookup("cloud-provider").DefValue; got != "testcloud" {
			t.Errorf("default = %q", got)
		}
	})
}

func TestHandler(t *testing.T) {
	srv := httptest.NewServer(Handler())
	defer srv.Close()
	for path, want := range map[string]string{"/healthz": "ok", "/metrics": "# TYPE cloud_controller_syncs_total counter"} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), want) {
			t.Errorf("GET %s = %d %q, want 200 containing %q", path, resp.StatusCode, body, want)
		}
	}
}

// fakeBuilder hands out one fake clientset for every name.
type fakeBuilder struct{ cs *typed.Clientset }

func (b fakeBuilder) Config(string) (*rest.Config, error) {
	return &rest.Config{Host: "http://fake"}, nil
}
func (b fakeBuilder) Client(string) (*typed.Clientset, error) { return b.cs, nil }

func TestRunControllers(t *testing.T) {
	t.Run("the loops run together: a new node is initialised and a LoadBalancer Service gets its ingress", func(t *testing.T) {
		node := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "n1"},
			Spec: corev1.NodeSpec{Taints: []corev1.Taint{{Key: "node.cloudprovider.kubernetes.io/uninitialized", Value: "true", Effect: corev1.TaintEffectNoSchedule}}}}
		node.Status.Conditions = []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue}}
		svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "web", UID: "u1"},
			Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeLoadBalancer}}
		cs := fake.NewClientset(node, svc)
		cloud := cloudtest.New()
		cloud.AddInstance("n1", cloudtest.Instance{Metadata: cloudprovider.InstanceMetadata{ProviderID: "cloudtest://n1", Zone: "z1"}})
		cfg := NewConfig()
		cfg.CloudProvider = "cloudtest"
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- RunControllers(ctx, cfg, cloud, fakeBuilder{cs.Clientset}) }()
		deadline := time.Now().Add(5 * time.Second)
		for {
			n, err1 := cs.CoreV1().Nodes().Get(ctx, "n1", metav1.GetOptions{})
			s, err2 := cs.CoreV1().Services("default").Get(ctx, "web", metav1.GetOptions{})
			if err1 == nil && err2 == nil && n.Spec.ProviderID == "cloudtest://n1" && len(s.Status.LoadBalancer.Ingress) == 1 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("not reconciled: node %+v, service status %+v", n.Spec, s.Status)
			}
			time.Sleep(10 * time.Millisecond)
		}
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("RunControllers = %v, want nil after cancellation", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("RunControllers did not return after cancellation")
		}
	})
}
