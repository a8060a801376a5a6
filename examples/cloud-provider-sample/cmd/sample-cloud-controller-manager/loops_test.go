package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/client/fake"
	"keel.dev/client/rest"
	"keel.dev/client/typed"
	cloudprovider "keel.dev/cloud-provider"
	"keel.dev/cloud-provider/app"
)

// fakeClients hands the in-memory clientset to every controller.
type fakeClients struct{ cs *typed.Clientset }

func (f fakeClients) Config(string) (*rest.Config, error) {
	return &rest.Config{Host: "http://fake"}, nil
}
func (f fakeClients) Client(string) (*typed.Clientset, error) { return f.cs, nil }

// TestLoopsWithTheProvider runs Keel's cloud loops over sample-json against
// an in-memory API: the node is initialised from cloud.json and a
// LoadBalancer Service gets the first free IP, which deletion gives back.
func TestLoopsWithTheProvider(t *testing.T) {
	dir := t.TempDir()
	db, err := os.ReadFile(filepath.Join("..", "..", "testdata", "cloud.json"))
	if err != nil {
		t.Fatal(err)
	}
	dbPath := filepath.Join(dir, "cloud.json")
	if err := os.WriteFile(dbPath, db, 0o644); err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(dir, "config.json")
	if err := os.WriteFile(cfgPath, []byte(`{"database": "`+dbPath+`", "zone": "za", "region": "ra"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	cloud, err := cloudprovider.InitCloudProvider("sample-json", cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	node := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "node-1"},
		Spec: corev1.NodeSpec{Taints: []corev1.Taint{{Key: "node.cloudprovider.kubernetes.io/uninitialized", Value: "true", Effect: corev1.TaintEffectNoSchedule}}}}
	node.Status.Conditions = []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue}}
	svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "web", UID: "0b6f1c2e-1111-2222-3333-444455556666"},
		Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeLoadBalancer, Ports: []corev1.ServicePort{{Port: 80, NodePort: 30080}}}}
	cs := fake.NewClientset(node, svc)

	cfg := app.NewConfig()
	cfg.CloudProvider = "sample-json"
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- app.RunControllers(ctx, cfg, cloud, fakeClients{cs.Clientset}) }()

	waitFor(t, "node-1 is initialised and web has an ingress IP", func() bool {
		n, err1 := cs.CoreV1().Nodes().Get(ctx, "node-1", metav1.GetOptions{})
		s, err2 := cs.CoreV1().Services("default").Get(ctx, "web", metav1.GetOptions{})
		return err1 == nil && err2 == nil && n.Spec.ProviderID == "sample-json://i-0001" &&
			n.Labels["node.kubernetes.io/instance-type"] == "sample.small" && len(n.Spec.Taints) == 0 &&
			len(s.Status.LoadBalancer.Ingress) == 1 && s.Status.LoadBalancer.Ingress[0].IP == "203.0.113.10"
	})

	// Switching the Service to ClusterIP deletes the balancer and frees the IP.
	s, err := cs.CoreV1().Services("default").Get(ctx, "web", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s.Spec.Type = corev1.ServiceTypeClusterIP
	if _, err := cs.CoreV1().Services("default").Update(ctx, s, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	lb, _ := cloud.LoadBalancer()
	waitFor(t, "the balancer is gone and the finalizer removed", func() bool {
		_, exists, err := lb.GetLoadBalancer(ctx, "kubernetes", svc)
		s, err2 := cs.CoreV1().Services("default").Get(ctx, "web", metav1.GetOptions{})
		return err == nil && !exists && err2 == nil && len(s.Finalizers) == 0 && len(s.Status.LoadBalancer.Ingress) == 0
	})
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("RunControllers = %v", err)
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
