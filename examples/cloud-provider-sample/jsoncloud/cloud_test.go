package jsoncloud

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	corev1 "keel.dev/api/core/v1"
	cloudprovider "keel.dev/cloud-provider"
)

func newTestCloud(t *testing.T) cloudprovider.Interface {
	t.Helper()
	dir := t.TempDir()
	db, err := os.ReadFile(filepath.Join("..", "testdata", "cloud.json"))
	if err != nil {
		t.Fatal(err)
	}
	dbPath := filepath.Join(dir, "cloud.json")
	if err := os.WriteFile(dbPath, db, 0o644); err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(dir, "config.json")
	if err := os.WriteFile(cfgPath, []byte(`{"database": "`+dbPath+`", "zone": "z"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	cloud, err := cloudprovider.InitCloudProvider(ProviderName, cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	return cloud
}

func TestInstances(t *testing.T) {
	ctx := context.Background()
	inst, ok := newTestCloud(t).Instances()
	if !ok {
		t.Fatal("Instances not supported")
	}
	node := &corev1.Node{}
	node.Name = "node-1"
	md, err := inst.InstanceMetadata(ctx, node)
	if err != nil {
		t.Fatal(err)
	}
	if md.ProviderID != "sample-json://i-0001" || md.InstanceType != "sample.small" || len(md.NodeAddresses) != 2 {
		t.Errorf("metadata = %+v", md)
	}
	node.Name = "node-9"
	if _, err := inst.InstanceMetadata(ctx, node); !errors.Is(err, cloudprovider.ErrInstanceNotFound) {
		t.Errorf("missing machine err = %v, want ErrInstanceNotFound", err)
	}
}

func TestLoadBalancerLifecycle(t *testing.T) {
	ctx := context.Background()
	lb, _ := newTestCloud(t).LoadBalancer()
	svc := &corev1.Service{}
	svc.Namespace, svc.Name, svc.UID = "default", "web", "1234-abcd"
	st, err := lb.EnsureLoadBalancer(ctx, "k", svc, nil)
	if err != nil {
		t.Fatal(err)
	}
	if st.Ingress[0].IP != "203.0.113.10" {
		t.Fatalf("ingress = %+v", st.Ingress)
	}
	if err := lb.EnsureLoadBalancerDeleted(ctx, "k", svc); err != nil {
		t.Fatal(err)
	}
	if _, exists, _ := lb.GetLoadBalancer(ctx, "k", svc); exists {
		t.Error("load balancer exists after delete")
	}
}

func TestConfigIsRequired(t *testing.T) {
	if _, err := cloudprovider.InitCloudProvider(ProviderName, ""); err == nil || !strings.Contains(err.Error(), "cloud-config") {
		t.Fatalf("err = %v, want a cloud-config error", err)
	}
}
