package nodestatus

import (
	"context"
	"errors"
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/api/resource"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/client/fake"
	"keel.dev/keel/pkg/kubelet/clock"
	"keel.dev/keel/pkg/kubelet/cri"
	crifake "keel.dev/keel/pkg/kubelet/cri/fake"
)

type env struct {
	cs  *fake.Clientset
	rt  *crifake.Server
	clk *clock.Fake
	c   *Controller
}

func newEnv(t *testing.T, objs ...*corev1.Node) *env {
	t.Helper()
	rt := crifake.New(nil)
	if err := rt.Start(t.TempDir()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(rt.Stop)
	rt.AddImage("keel.local/busybox:1.35")
	client, err := cri.Dial(context.Background(), rt.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	cs := fake.NewClientset()
	for _, o := range objs {
		if err := cs.Tracker().Add(o); err != nil {
			t.Fatal(err)
		}
	}
	clk := clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	c := New(Config{
		Client: cs.Clientset, Runtime: client, NodeName: "n1", Hostname: "host1", NodeIP: "10.0.0.5",
		Labels: map[string]string{"role": "worker"},
		Taints: []corev1.Taint{{Key: TaintCloudUninitialized, Value: "true", Effect: corev1.TaintEffectNoSchedule}},
		Reserved: corev1.ResourceList{
			corev1.ResourceCPU: resource.MustParse("500m"), corev1.ResourceMemory: resource.MustParse("1Gi"),
		},
		Machine: Machine{NumCPU: 4, MemoryBytes: 8 << 30, EphemeralBytes: 100 << 30, MachineID: "mid", BootID: "bid",
			KernelVersion: "6.1.0", OSImage: "Debian GNU/Linux 12 (bookworm)", OperatingSystem: "linux", Architecture: "amd64"},
		KubeletPort: 10250,
		Clock:       clk,
	})
	return &env{cs: cs, rt: rt, clk: clk, c: c}
}

func (e *env) node(t *testing.T) *corev1.Node {
	t.Helper()
	n, err := e.cs.CoreV1().Nodes().Get(context.Background(), "n1", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func condition(n *corev1.Node, typ corev1.NodeConditionType) corev1.NodeCondition {
	for _, c := range n.Status.Conditions {
		if c.Type == typ {
			return c
		}
	}
	return corev1.NodeCondition{}
}

func TestRegisterFillsNodeFields(t *testing.T) {
	e := newEnv(t)
	if _, err := e.c.Register(context.Background()); err != nil {
		t.Fatal(err)
	}
	n := e.node(t)
	checks := []struct {
		name      string
		got, want string
	}{
		{"the hostname label is set", n.Labels[LabelHostname], "host1"},
		{"the os label is set", n.Labels[LabelOS], "linux"},
		{"the arch label is set", n.Labels[LabelArch], "amd64"},
		{"flag labels are set", n.Labels["role"], "worker"},
		{"cpu capacity is the CPU count", q(n.Status.Capacity, corev1.ResourceCPU), "4"},
		{"memory capacity is MemTotal", q(n.Status.Capacity, corev1.ResourceMemory), "8Gi"},
		{"pods capacity is max pods", q(n.Status.Capacity, corev1.ResourcePods), "110"},
		{"ephemeral storage is the root fs size", q(n.Status.Capacity, corev1.ResourceEphemeralStorage), "100Gi"},
		{"allocatable cpu subtracts reserved", q(n.Status.Allocatable, corev1.ResourceCPU), "3500m"},
		{"allocatable memory subtracts reserved", q(n.Status.Allocatable, corev1.ResourceMemory), "7Gi"},
		{"the first address is the InternalIP", string(n.Status.Addresses[0].Type) + "=" + n.Status.Addresses[0].Address, "InternalIP=10.0.0.5"},
		{"the second address is the Hostname", string(n.Status.Addresses[1].Type) + "=" + n.Status.Addresses[1].Address, "Hostname=host1"},
		{"the runtime version comes from CRI", n.Status.NodeInfo.ContainerRuntimeVersion, "fake://1.0"},
		{"the kubelet version is keel's", n.Status.NodeInfo.KubeletVersion, KubeletVersion},
		{"the os image is reported", n.Status.NodeInfo.OSImage, "Debian GNU/Linux 12 (bookworm)"},
		{"the boot id is reported", n.Status.NodeInfo.BootID, "bid"},
		{"Ready is true", string(condition(n, corev1.NodeReady).Status), "True"},
		{"Ready has the kubelet's reason", condition(n, corev1.NodeReady).Reason, "KubeletReady"},
		{"memory pressure is false", condition(n, corev1.NodeMemoryPressure).Reason, "KubeletHasSufficientMemory"},
		{"disk pressure is false", condition(n, corev1.NodeDiskPressure).Reason, "KubeletHasNoDiskPressure"},
		{"pid pressure is false", condition(n, corev1.NodePIDPressure).Reason, "KubeletHasSufficientPID"},
		{"the taint is registered", n.Spec.Taints[0].Key, TaintCloudUninitialized},
		{"images come from CRI", n.Status.Images[0].Names[len(n.Status.Images[0].Names)-1], "keel.local/busybox:1.35"},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if c.got != c.want {
				t.Errorf("got %q, want %q", c.got, c.want)
			}
		})
	}
	if n.Status.DaemonEndpoints.KubeletEndpoint.Port != 10250 {
		t.Errorf("kubelet port = %d", n.Status.DaemonEndpoints.KubeletEndpoint.Port)
	}
}

func q(l corev1.ResourceList, name corev1.ResourceName) string {
	v := l[name]
	return v.String()
}

func TestRegisterAdoptsExistingNode(t *testing.T) {
	existing := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "n1", UID: "old-uid", Labels: map[string]string{"keep": "me"}},
		Spec: corev1.NodeSpec{PodCIDR: "10.244.1.0/24"}}
	e := newEnv(t, existing)
	if _, err := e.c.Register(context.Background()); err != nil {
		t.Fatal(err)
	}
	n := e.node(t)
	if n.UID != "old-uid" || n.Labels["keep"] != "me" || n.Labels[LabelHostname] != "host1" || n.Spec.PodCIDR != "10.244.1.0/24" {
		t.Errorf("adopted node = uid %s labels %v cidr %q", n.UID, n.Labels, n.Spec.PodCIDR)
	}
	if condition(n, corev1.NodeReady).Status != corev1.ConditionTrue {
		t.Errorf("adopted node has no Ready status")
	}
}

func TestStatusIsWrittenOnlyOnChangeOrAfterForcePeriod(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if _, err := e.c.Register(ctx); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name  string
		do    func()
		wrote bool
		ready corev1.ConditionStatus
	}{
		{"an unchanged status is not written", func() { e.clk.Advance(10 * time.Second) }, false, corev1.ConditionTrue},
		{"a runtime failure is written as NotReady", func() { e.rt.SetFailure("Status", errors.New("socket gone")) }, true, corev1.ConditionFalse},
		{"the same failure is not written again", func() {}, false, corev1.ConditionFalse},
		{"recovery is written", func() { e.rt.SetFailure("Status", nil) }, true, corev1.ConditionTrue},
		{"five minutes without change force a write", func() { e.clk.Advance(5 * time.Minute) }, true, corev1.ConditionTrue},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			s.do()
			wrote, err := e.c.SyncStatus(ctx, false)
			if err != nil {
				t.Fatal(err)
			}
			if wrote != s.wrote {
				t.Errorf("wrote = %v, want %v", wrote, s.wrote)
			}
			if got := condition(e.node(t), corev1.NodeReady); got.Status != s.ready {
				t.Errorf("Ready = %s (%s)", got.Status, got.Message)
			}
		})
	}
}

func TestLeaseIsCreatedAndRenewed(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if _, err := e.c.Register(ctx); err != nil {
		t.Fatal(err)
	}
	if err := e.c.RenewLease(ctx); err != nil {
		t.Fatal(err)
	}
	leases := e.cs.CoordinationV1().Leases(LeaseNamespace)
	l, err := leases.Get(ctx, "n1", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if *l.Spec.HolderIdentity != "n1" || *l.Spec.LeaseDurationSeconds != 40 {
		t.Errorf("lease spec = holder %s duration %d", *l.Spec.HolderIdentity, *l.Spec.LeaseDurationSeconds)
	}
	if len(l.OwnerReferences) != 1 || l.OwnerReferences[0].Kind != "Node" || l.OwnerReferences[0].UID != e.node(t).UID {
		t.Errorf("owner references = %+v", l.OwnerReferences)
	}
	first := l.Spec.RenewTime.Time
	e.clk.Advance(10 * time.Second)
	if err := e.c.RenewLease(ctx); err != nil {
		t.Fatal(err)
	}
	l, err = leases.Get(ctx, "n1", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := l.Spec.RenewTime.Time.Sub(first); got != 10*time.Second {
		t.Errorf("renewTime advanced by %v, want 10s", got)
	}
}
