package nodeipam

import (
	"context"
	"strings"
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/client/fake"
	"keel.dev/client/informers"
	"keel.dev/client/record"
)

func node(name, cidr string) *corev1.Node {
	n := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name}}
	if cidr != "" {
		n.Spec.PodCIDR, n.Spec.PodCIDRs = cidr, []string{cidr}
	}
	return n
}

func start(t *testing.T, opts Options, objs ...runtime.Object) (*fake.Clientset, *Controller) {
	t.Helper()
	cs := fake.NewClientset(objs...)
	f := informers.NewFactory(cs.Clientset, 0)
	c, err := New(cs.Clientset, f, opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() { cancel(); f.Shutdown() })
	f.Start(ctx)
	f.WaitForCacheSync(ctx)
	if err := c.rebuild(); err != nil {
		t.Fatal(err)
	}
	return cs, c
}

func podCIDR(t *testing.T, cs *fake.Clientset, name string) string {
	t.Helper()
	n, err := cs.CoreV1().Nodes().Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(n.Spec.PodCIDRs) != 1 || n.Spec.PodCIDRs[0] != n.Spec.PodCIDR {
		t.Errorf("node %s: podCIDRs %v disagree with podCIDR %q", name, n.Spec.PodCIDRs, n.Spec.PodCIDR)
	}
	return n.Spec.PodCIDR
}

func TestNodesGetDistinctCIDRsAndKeepExistingOnes(t *testing.T) {
	cs, c := start(t, Options{}, node("a", ""), node("b", "10.244.0.0/24"), node("c", ""))
	for _, n := range []string{"a", "b", "c"} {
		if err := c.sync(context.Background(), n); err != nil {
			t.Fatal(err)
		}
	}
	got := map[string]string{}
	for _, n := range []string{"a", "b", "c"} {
		got[n] = podCIDR(t, cs, n)
	}
	if got["b"] != "10.244.0.0/24" {
		t.Errorf("existing CIDR of b changed to %q", got["b"])
	}
	seen := map[string]bool{}
	for n, cidr := range got {
		if !strings.HasPrefix(cidr, "10.244.") || !strings.HasSuffix(cidr, "/24") || seen[cidr] {
			t.Errorf("node %s got %q: not a fresh /24 of the cluster CIDR (all: %v)", n, cidr, got)
		}
		seen[cidr] = true
	}
}

func TestDeletedNodeReleasesItsCIDRAndExhaustionIsReported(t *testing.T) {
	rec := record.NewFakeRecorder(10)
	cs, c := start(t, Options{ClusterCIDR: "10.0.0.0/23", NodeCIDRMaskSize: 24, Recorder: rec},
		node("a", ""), node("b", ""), node("c", ""))
	ctx := context.Background()
	for _, n := range []string{"a", "b"} {
		if err := c.sync(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.sync(ctx, "c"); err == nil {
		t.Fatal("third node of a two-subnet range got a CIDR")
	}
	select {
	case ev := <-rec.Events:
		if !strings.Contains(ev, "CIDRNotAvailable") {
			t.Errorf("event = %q, want CIDRNotAvailable", ev)
		}
	default:
		t.Error("no CIDRNotAvailable event")
	}
	freed := podCIDR(t, cs, "a")
	if err := cs.CoreV1().Nodes().Delete(ctx, "a", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, err := c.nodes.Get("", "a"); err != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("informer never saw the deletion")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := c.sync(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if err := c.sync(ctx, "c"); err != nil {
		t.Fatalf("c after release: %v", err)
	}
	if got := podCIDR(t, cs, "c"); got != freed {
		t.Errorf("c got %q, want the released %q", got, freed)
	}
}

func TestAllocatorRejectsBadConfigs(t *testing.T) {
	cs := fake.NewClientset()
	f := informers.NewFactory(cs.Clientset, 0)
	for _, o := range []Options{{ClusterCIDR: "nonsense"}, {ClusterCIDR: "10.0.0.0/24", NodeCIDRMaskSize: 16}, {ClusterCIDR: "fd00::/48"}} {
		if _, err := New(cs.Clientset, f, o); err == nil {
			t.Errorf("New(%+v) accepted a bad config", o)
		}
	}
}
