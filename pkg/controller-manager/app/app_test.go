package app

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	appsv1 "keel.dev/api/apps/v1"
	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/client/fake"
)

func TestRegistryRejectsDuplicatesAndListsBuiltins(t *testing.T) {
	r := NewRegistry()
	for _, name := range []string{"replicaset", "replicationcontroller", "deployment", "garbagecollector", "namespace"} {
		if _, ok := r.Get(name); !ok {
			t.Errorf("built-in %q missing", name)
		}
	}
	if err := r.Register("deployment", startDeployment); err == nil {
		t.Error("registering a duplicate name succeeded")
	}
	if _, err := r.WithPlugin("custom", func(context.Context, ControllerContext) (bool, error) { return false, nil }); err != nil {
		t.Errorf("WithPlugin: %v", err)
	}
	if _, ok := r.Get("custom"); !ok {
		t.Error("plugin not registered")
	}
}

func TestControllersFlagSelectsControllers(t *testing.T) {
	tests := []struct {
		name  string
		flag  []string
		check map[string]bool
	}{
		{"star enables everything", []string{"*"}, map[string]bool{"deployment": true, "namespace": true}},
		{"a minus disables one", []string{"*", "-namespace"}, map[string]bool{"deployment": true, "namespace": false}},
		{"a bare name enables only it", []string{"deployment"}, map[string]bool{"deployment": true, "replicaset": false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := NewOptions()
			o.Controllers = tt.flag
			for name, want := range tt.check {
				if got := o.Enabled(name); got != want {
					t.Errorf("Enabled(%q) = %v, want %v", name, got, want)
				}
			}
		})
	}
}

func TestFlagsParseWithKubernetesNamesAndDefaults(t *testing.T) {
	o := NewOptions()
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	vars := o.AddFlags(fs)
	err := fs.Parse([]string{"--concurrent-deployment-syncs=9", "--controllers=*,-namespace", "--leader-elect=false", "--kube-api-qps=50"})
	if err != nil {
		t.Fatal(err)
	}
	o.Complete(vars)
	if o.Concurrency["deployment"] != 9 || o.Concurrency["replicaset"] != 5 || o.Concurrency["garbagecollector"] != 20 || o.Concurrency["namespace"] != 10 {
		t.Errorf("concurrency = %v", o.Concurrency)
	}
	if o.LeaderElect || o.KubeAPIQPS != 50 || o.KubeAPIBurst != 30 || o.ClusterCIDR != "10.244.0.0/16" || o.NodeCIDRMaskSize != 24 ||
		o.NodeMonitorGracePeriod != 40*time.Second || o.SecurePort != 10257 || o.CloudProvider != "external" {
		t.Errorf("options = %+v", o)
	}
	if err := o.Validate(NewRegistry().Names()); err != nil {
		t.Errorf("Validate: %v", err)
	}
	o.Controllers = []string{"nosuch"}
	if err := o.Validate(NewRegistry().Names()); err == nil {
		t.Error("unknown controller accepted")
	}
}

func TestStartControllersConvergesADeployment(t *testing.T) {
	n := int32(2)
	d := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default", UID: "web-uid", Generation: 1},
		Spec: appsv1.DeploymentSpec{Replicas: &n, Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web"}},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "nginx"}}}},
			Strategy: appsv1.DeploymentStrategy{Type: appsv1.RollingUpdateDeploymentStrategyType}},
	}
	cs := fake.NewClientset(d)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	o := NewOptions()
	m := NewMetrics()
	if err := StartControllers(ctx, NewRegistry(), ControllerContext{Client: cs.Clientset, Options: o, Metrics: m}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		pods, err := cs.CoreV1().Pods("default").List(ctx, metav1.ListOptions{})
		if err == nil && len(pods.Items) == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("pods were not created by deployment+replicaset controllers")
		}
		time.Sleep(20 * time.Millisecond)
	}
	mfs, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, mf := range mfs {
		if mf.GetName() == "workqueue_adds_total" {
			for _, metric := range mf.GetMetric() {
				for _, l := range metric.GetLabel() {
					if l.GetValue() == "deployment" {
						found = true
					}
				}
			}
		}
	}
	if !found {
		t.Error("no workqueue metrics for the deployment controller")
	}
}

func TestHealthAndMetricsEndpoints(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	m := NewMetrics()
	m.Queue("demo").Added()
	srv, err := serveOn(ctx, "127.0.0.1:0", m, true)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	for path, want := range map[string]string{"/healthz": "ok", "/metrics": `workqueue_adds_total{name="demo"} 1`, "/debug/pprof/": "goroutine"} {
		resp, err := http.Get(fmt.Sprintf("http://%s%s", srv.addr, path))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(b), want) {
			t.Errorf("%s does not contain %q", path, want)
		}
	}
}
