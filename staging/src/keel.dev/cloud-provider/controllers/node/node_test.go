package node

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/client/fake"
	"keel.dev/client/informers"
	"keel.dev/client/workqueue"

	cloudprovider "keel.dev/cloud-provider"
	"keel.dev/cloud-provider/internal/cloudtest"
)

func uninitializedNode(name string) *corev1.Node {
	return &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"kubernetes.io/hostname": name}},
		Spec: corev1.NodeSpec{Taints: []corev1.Taint{
			{Key: "other", Effect: corev1.TaintEffectNoSchedule},
			{Key: TaintUninitialized, Value: "true", Effect: corev1.TaintEffectNoSchedule},
		}},
		Status: corev1.NodeStatus{Addresses: []corev1.NodeAddress{{Type: corev1.NodeHostName, Address: name}}},
	}
}

func metadata() cloudprovider.InstanceMetadata {
	return cloudprovider.InstanceMetadata{
		ProviderID: "cloudtest://i-1", InstanceType: "m.small", Zone: "zone-a", Region: "region-1",
		NodeAddresses: []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: "10.0.0.5"}, {Type: corev1.NodeExternalIP, Address: "198.51.100.5"}},
	}
}

// start runs the factory and waits for its caches.
func start(t *testing.T, f *informers.Factory) context.Context {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() { cancel(); f.Shutdown() })
	f.Start(ctx)
	if !f.WaitForCacheSync(ctx) {
		t.Fatal("caches did not sync")
	}
	return ctx
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func getNode(t *testing.T, cs *fake.Clientset, name string) *corev1.Node {
	t.Helper()
	n, err := cs.CoreV1().Nodes().Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatalf("get node %s: %v", name, err)
	}
	return n
}

func TestInitialisation(t *testing.T) {
	t.Run("an uninitialised node gets provider ID, addresses and labels, and loses the taint", func(t *testing.T) {
		cs := fake.NewClientset(uninitializedNode("n1"))
		cloud := cloudtest.New()
		cloud.AddInstance("n1", cloudtest.Instance{Metadata: metadata()})
		f := informers.NewFactory(cs.Clientset, 0)
		c := New(cs.Clientset, f, cloud, Options{})
		ctx := start(t, f)
		if err := c.sync(ctx, "n1"); err != nil {
			t.Fatalf("sync: %v", err)
		}
		n := getNode(t, cs, "n1")
		if n.Spec.ProviderID != "cloudtest://i-1" {
			t.Errorf("providerID = %q", n.Spec.ProviderID)
		}
		wantLabels := map[string]string{
			LabelInstanceType: "m.small", LabelInstanceTypeBeta: "m.small",
			LabelTopologyZone: "zone-a", LabelFailureDomainZone: "zone-a",
			LabelTopologyRegion: "region-1", LabelFailureDomainRegion: "region-1",
			"kubernetes.io/hostname": "n1",
		}
		for k, v := range wantLabels {
			if n.Labels[k] != v {
				t.Errorf("label %s = %q, want %q", k, n.Labels[k], v)
			}
		}
		if hasTaint(n, TaintUninitialized) || !hasTaint(n, "other") {
			t.Errorf("taints = %+v, want only the uninitialized taint removed", n.Spec.Taints)
		}
		wantAddrs := []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: "10.0.0.5"}, {Type: corev1.NodeExternalIP, Address: "198.51.100.5"}, {Type: corev1.NodeHostName, Address: "n1"}}
		if !slices.Equal(n.Status.Addresses, wantAddrs) {
			t.Errorf("addresses = %+v, want %+v", n.Status.Addresses, wantAddrs)
		}
	})

	t.Run("a node without the taint is left alone", func(t *testing.T) {
		n := uninitializedNode("n1")
		n.Spec.Taints = nil
		cs := fake.NewClientset(n)
		cloud := cloudtest.New()
		f := informers.NewFactory(cs.Clientset, 0)
		c := New(cs.Clientset, f, cloud, Options{})
		ctx := start(t, f)
		cs.ClearActions()
		if err := c.sync(ctx, "n1"); err != nil {
			t.Fatal(err)
		}
		if len(cloud.Calls()) != 0 || len(cs.Actions()) != 0 {
			t.Errorf("cloud calls %v, API actions %v; want none", cloud.Calls(), cs.Actions())
		}
	})

	t.Run("a provider error is retried with backoff until it succeeds", func(t *testing.T) {
		cs := fake.NewClientset(uninitializedNode("n1"))
		cloud := cloudtest.New()
		cloud.AddInstance("n1", cloudtest.Instance{Metadata: metadata()})
		cloud.FailNext("InstanceMetadata", errors.New("cloud API down"), errors.New("still down"))
		f := informers.NewFactory(cs.Clientset, 0)
		c := New(cs.Clientset, f, cloud, Options{RateLimiter: workqueue.NewExponentialLimiter[string](time.Millisecond, 10*time.Millisecond)})
		ctx := start(t, f)
		go func() { _ = c.Run(ctx, 1) }()
		eventually(t, "the taint is removed", func() bool { return !hasTaint(getNode(t, cs, "n1"), TaintUninitialized) })
		// Two failures, then a success; the status write may trigger one
		// more (harmless) sync before the cache sees the taint gone.
		if got := cloud.CallCount("InstanceMetadata"); got < 3 {
			t.Errorf("InstanceMetadata called %d times, want at least 3 (two failures, one success)", got)
		}
		if n := getNode(t, cs, "n1"); n.Spec.ProviderID != "cloudtest://i-1" {
			t.Errorf("providerID = %q after the retries", n.Spec.ProviderID)
		}
	})

	t.Run("a missing instance keeps the taint and reports an error", func(t *testing.T) {
		cs := fake.NewClientset(uninitializedNode("n1"))
		f := informers.NewFactory(cs.Clientset, 0)
		c := New(cs.Clientset, f, cloudtest.New(), Options{})
		ctx := start(t, f)
		if err := c.sync(ctx, "n1"); !errors.Is(err, cloudprovider.ErrInstanceNotFound) {
			t.Fatalf("sync err = %v, want ErrInstanceNotFound", err)
		}
		if !hasTaint(getNode(t, cs, "n1"), TaintUninitialized) {
			t.Error("taint removed from a node whose instance is missing")
		}
	})
}

func TestMergeAddresses(t *testing.T) {
	host := corev1.NodeAddress{Type: corev1.NodeHostName, Address: "h"}
	ip := corev1.NodeAddress{Type: corev1.NodeInternalIP, Address: "10.0.0.1"}
	cloudHost := corev1.NodeAddress{Type: corev1.NodeHostName, Address: "cloud-h"}
	tests := []struct {
		name           string
		current, cloud []corev1.NodeAddress
		want           []corev1.NodeAddress
	}{
		{"the kubelet's hostname is kept when the cloud reports none", []corev1.NodeAddress{host}, []corev1.NodeAddress{ip}, []corev1.NodeAddress{ip, host}},
		{"the cloud's hostname replaces the kubelet's", []corev1.NodeAddress{host}, []corev1.NodeAddress{ip, cloudHost}, []corev1.NodeAddress{ip, cloudHost}},
		{"duplicate cloud addresses are dropped", nil, []corev1.NodeAddress{ip, ip}, []corev1.NodeAddress{ip}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := mergeAddresses(tc.current, tc.cloud); !slices.Equal(got, tc.want) {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}
