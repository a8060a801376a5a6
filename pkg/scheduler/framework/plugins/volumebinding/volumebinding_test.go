package volumebinding_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	corev1 "keel.dev/api/core/v1"
	storagev1 "keel.dev/api/storage/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/keel/pkg/scheduler/apis/config"
	"keel.dev/keel/pkg/scheduler/framework"
	"keel.dev/keel/pkg/scheduler/framework/plugins/volumebinding"
	st "keel.dev/keel/pkg/scheduler/internal/testing"
)

const (
	wffc      = storagev1.VolumeBindingWaitForFirstConsumer
	immediate = storagev1.VolumeBindingImmediate
	unres     = "UnschedulableAndUnresolvable: "
)

func nodes() []*corev1.Node {
	return []*corev1.Node{
		st.MakeNode("a1").Label("zone", "a").Label("kubernetes.io/hostname", "a1").Obj(),
		st.MakeNode("a2").Label("zone", "a").Label("kubernetes.io/hostname", "a2").Obj(),
		st.MakeNode("b1").Label("zone", "b").Label("kubernetes.io/hostname", "b1").Obj(),
	}
}

func newPlugin(t *testing.T, snap *framework.Snapshot, vols *fakeVolumes, args *config.VolumeBindingArgs) framework.Plugin {
	t.Helper()
	fwk, err := st.NewDefaultFramework(snap, framework.ClusterAPI{Volumes: vols, Claims: vols}, nil)
	if err != nil {
		t.Fatal(err)
	}
	pl, err := volumebinding.New(context.Background(), args, fwk)
	if err != nil {
		t.Fatal(err)
	}
	return pl
}

func TestFilter(t *testing.T) {
	deleting := claim("data", "fast")
	deleting.DeletionTimestamp = &metav1.Time{Time: time.Unix(1, 0)}
	selected := claim("data", "local")
	selected.Annotations = map[string]string{volumebinding.AnnSelectedNode: "a2"}
	cases := []struct {
		name string
		pod  *corev1.Pod
		objs []any
		want map[string]string
	}{
		{
			name: "a pod without claims passes every node",
			pod:  podWithClaims(),
			want: map[string]string{"a1": "", "a2": "", "b1": ""},
		},
		{
			name: "a missing claim rejects the pod before filtering",
			pod:  podWithClaims("data"),
			want: map[string]string{"": unres + `persistentvolumeclaim "data" not found`},
		},
		{
			name: "a terminating claim rejects the pod",
			pod:  podWithClaims("data"),
			objs: []any{deleting},
			want: map[string]string{"": unres + `persistentvolumeclaim "data" is being deleted`},
		},
		{
			name: "an unbound claim without a class is an unbound immediate claim",
			pod:  podWithClaims("data"),
			objs: []any{claim("data", "")},
			want: map[string]string{"": unres + "pod has unbound immediate PersistentVolumeClaims"},
		},
		{
			name: "an unbound claim of an Immediate class is an unbound immediate claim",
			pod:  podWithClaims("data"),
			objs: []any{claim("data", "fast"), class("fast", "example.com/disk", immediate)},
			want: map[string]string{"": unres + "pod has unbound immediate PersistentVolumeClaims"},
		},
		{
			name: "an unbound claim of a missing class is rejected",
			pod:  podWithClaims("data"),
			objs: []any{claim("data", "gone")},
			want: map[string]string{"": unres + `storageclass.storage.k8s.io "gone" not found`},
		},
		{
			name: "a bound volume's node affinity keeps the pod in its zone",
			pod:  podWithClaims("data"),
			objs: []any{boundClaim("data", "pv-a"), volume("pv-a", "", "a")},
			want: map[string]string{"a1": "", "a2": "", "b1": unres + "node(s) had volume node affinity conflict"},
		},
		{
			name: "a claim bound to a missing volume fits no node",
			pod:  podWithClaims("data"),
			objs: []any{boundClaim("data", "pv-gone")},
			want: map[string]string{
				"a1": unres + "node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)",
				"a2": unres + "node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)",
				"b1": unres + "node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)",
			},
		},
		{
			name: "a WaitForFirstConsumer class with a provisioner fits every node",
			pod:  podWithClaims("data"),
			objs: []any{claim("data", "local"), class("local", "keel.dev/local-path", wffc)},
			want: map[string]string{"a1": "", "a2": "", "b1": ""},
		},
		{
			name: "allowedTopologies restrict provisioning to their zones",
			pod:  podWithClaims("data"),
			objs: []any{claim("data", "local"), class("local", "keel.dev/local-path", wffc, "b")},
			want: map[string]string{
				"a1": unres + "node(s) didn't find available persistent volumes to bind",
				"a2": unres + "node(s) didn't find available persistent volumes to bind",
				"b1": "",
			},
		},
		{
			name: "without a provisioner only nodes reaching an available volume fit",
			pod:  podWithClaims("data"),
			objs: []any{claim("data", "manual"), class("manual", "kubernetes.io/no-provisioner", wffc), volume("pv-b", "manual", "b")},
			want: map[string]string{
				"a1": unres + "node(s) didn't find available persistent volumes to bind",
				"a2": unres + "node(s) didn't find available persistent volumes to bind",
				"b1": "",
			},
		},
		{
			name: "a volume too small, of another class or already bound does not count",
			pod:  podWithClaims("data"),
			objs: func() []any {
				small := volume("pv-small", "manual", "")
				small.Spec.Capacity[corev1.ResourceStorage] = resourceQuantity("512Mi")
				bound := volume("pv-bound", "manual", "")
				bound.Status.Phase = corev1.VolumeBound
				bound.Spec.ClaimRef = &corev1.ObjectReference{Namespace: "default", Name: "other"}
				return []any{claim("data", "manual"), class("manual", "kubernetes.io/no-provisioner", wffc), small, bound, volume("pv-other", "slow", "")}
			}(),
			want: map[string]string{
				"a1": unres + "node(s) didn't find available persistent volumes to bind",
				"a2": unres + "node(s) didn't find available persistent volumes to bind",
				"b1": unres + "node(s) didn't find available persistent volumes to bind",
			},
		},
		{
			name: "two claims cannot share the only available volume",
			pod:  podWithClaims("data", "logs"),
			objs: []any{claim("data", "manual"), claim("logs", "manual"), class("manual", "kubernetes.io/no-provisioner", wffc), volume("pv-b", "manual", "b")},
			want: map[string]string{
				"a1": unres + "node(s) didn't find available persistent volumes to bind",
				"a2": unres + "node(s) didn't find available persistent volumes to bind",
				"b1": unres + "node(s) didn't find available persistent volumes to bind",
			},
		},
		{
			name: "a claim already given a node keeps its pods there",
			pod:  podWithClaims("data"),
			objs: []any{selected, class("local", "keel.dev/local-path", wffc)},
			want: map[string]string{
				"a1": unres + "node(s) didn't find available persistent volumes to bind",
				"a2": "",
				"b1": unres + "node(s) didn't find available persistent volumes to bind",
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			snap := framework.NewSnapshot(nil, nodes())
			pl := newPlugin(t, snap, newFakeVolumes().add(tc.objs...), nil)
			got := st.Reasons(st.RunFilter(pl, tc.pod, snap))
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Fatalf("(-want +got)\n%s", d)
			}
		})
	}
}

func TestEphemeralClaimMustBeOwnedByThePod(t *testing.T) {
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "default", UID: "pod-uid"}}
	pod.Spec.Volumes = []corev1.Volume{{Name: "scratch", VolumeSource: corev1.VolumeSource{Ephemeral: &corev1.EphemeralVolumeSource{}}}}
	owned := claim("p-scratch", "local")
	yes := true
	owned.OwnerReferences = []metav1.OwnerReference{{Kind: "Pod", Name: "p", UID: "pod-uid", Controller: &yes}}
	stranger := claim("p-scratch", "local")
	cases := []struct {
		name  string
		claim *corev1.PersistentVolumeClaim
		want  string
	}{
		{"the pod's own claim is scheduled like any claim", owned, ""},
		{"a claim of the same name not owned by the pod rejects it", stranger, unres + "PVC default/p-scratch was not created for pod default/p (pod is not owner)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			snap := framework.NewSnapshot(nil, nodes())
			pl := newPlugin(t, snap, newFakeVolumes().add(tc.claim, class("local", "keel.dev/local-path", wffc)), nil)
			got := st.Reasons(st.RunFilter(pl, pod, snap))
			status := got[""]
			if tc.want == "" {
				status = got["a1"]
			}
			if status != tc.want {
				t.Fatalf("got %q, want %q (all: %v)", status, tc.want, got)
			}
		})
	}
}

// runCycle runs PreFilter, Reserve and PreBind for pod on node.
func runCycle(t *testing.T, pl framework.Plugin, pod *corev1.Pod, snap *framework.Snapshot, node string) *framework.Status {
	t.Helper()
	ctx := context.Background()
	cs := framework.NewCycleState()
	if _, s := pl.(framework.PreFilterPlugin).PreFilter(ctx, cs, pod, snap.List()); !s.IsSuccess() && !s.IsSkip() {
		t.Fatalf("PreFilter: %v", s)
	}
	if s := pl.(framework.ReservePlugin).Reserve(ctx, cs, pod, node); !s.IsSuccess() {
		t.Fatalf("Reserve: %v", s)
	}
	s := pl.(framework.PreBindPlugin).PreBind(ctx, cs, pod, node)
	if !s.IsSuccess() {
		pl.(framework.ReservePlugin).Unreserve(ctx, cs, pod, node)
	}
	return s
}

func TestPreBindSelectsTheNodeAndWaitsForBinding(t *testing.T) {
	cases := []struct {
		name string
		lag  int
	}{
		{"the cache shows the binding at once", 0},
		{"the cache still shows the claim unannotated for a while", 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			snap := framework.NewSnapshot(nil, nodes())
			vols := newFakeVolumes().add(claim("data", "local"), class("local", "keel.dev/local-path", wffc), boundClaim("old", "pv-old"), volume("pv-old", "", ""))
			vols.bind, vols.lag = true, tc.lag
			pl := newPlugin(t, snap, vols, nil)
			if s := runCycle(t, pl, podWithClaims("data", "old"), snap, "a2"); !s.IsSuccess() {
				t.Fatalf("PreBind: %v", s)
			}
			if d := cmp.Diff([]string{"default/data=a2"}, vols.selected); d != "" {
				t.Fatalf("selected-node writes (-want +got)\n%s", d)
			}
		})
	}
}

func TestPreBindFailsWhenTheAnnotationIsReset(t *testing.T) {
	snap := framework.NewSnapshot(nil, nodes())
	vols := newFakeVolumes().add(claim("data", "local"), class("local", "keel.dev/local-path", wffc))
	pl := newPlugin(t, snap, vols, nil)
	// A provisioner that cannot serve the node removes the annotation once
	// it has been seen: the pod must be scheduled again rather than wait.
	vols.resetAfterSeen = true
	s := runCycle(t, pl, podWithClaims("data"), snap, "b1")
	if s.Code() != framework.Error || !strings.Contains(s.Message(), "was reset") {
		t.Fatalf("PreBind = %v, want an Error about the reset annotation", s)
	}
}

func TestPreBindFailsAfterTheBindTimeout(t *testing.T) {
	snap := framework.NewSnapshot(nil, nodes())
	vols := newFakeVolumes().add(claim("data", "local"), class("local", "keel.dev/local-path", wffc))
	one := int64(1)
	pl := newPlugin(t, snap, vols, &config.VolumeBindingArgs{BindTimeoutSeconds: &one})
	s := runCycle(t, pl, podWithClaims("data"), snap, "b1")
	if s.Code() != framework.Error || !strings.Contains(s.Message(), "deadline exceeded") {
		t.Fatalf("PreBind = %v, want an Error status for the timeout", s)
	}
	// The claim keeps the annotation PreBind wrote (a provisioner may be at
	// work for b1), so the retried pod is still held to b1.
	got := st.Reasons(st.RunFilter(pl, podWithClaims("data"), snap))
	if got["a1"] != unres+"node(s) didn't find available persistent volumes to bind" || got["b1"] != "" {
		t.Fatalf("after the timeout the claim should stay on b1, got %v", got)
	}
}

func TestReserveKeepsConcurrentPodsOfOneClaimTogether(t *testing.T) {
	snap := framework.NewSnapshot(nil, nodes())
	vols := newFakeVolumes().add(claim("data", "local"), class("local", "keel.dev/local-path", wffc))
	pl := newPlugin(t, snap, vols, nil)
	ctx := context.Background()
	first := framework.NewCycleState()
	if _, s := pl.(framework.PreFilterPlugin).PreFilter(ctx, first, podWithClaims("data"), snap.List()); !s.IsSuccess() {
		t.Fatal(s)
	}
	if s := pl.(framework.ReservePlugin).Reserve(ctx, first, podWithClaims("data"), "b1"); !s.IsSuccess() {
		t.Fatal(s)
	}
	second := podWithClaims("data")
	second.Name, second.UID = "q", "q-uid"
	got := st.Reasons(st.RunFilter(pl, second, snap))
	want := map[string]string{"a1": unres + "node(s) didn't find available persistent volumes to bind", "a2": unres + "node(s) didn't find available persistent volumes to bind", "b1": ""}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("while the first pod holds the claim (-want +got)\n%s", d)
	}
	pl.(framework.ReservePlugin).Unreserve(ctx, first, podWithClaims("data"), "b1")
	got = st.Reasons(st.RunFilter(pl, second, snap))
	if d := cmp.Diff(map[string]string{"a1": "", "a2": "", "b1": ""}, got); d != "" {
		t.Fatalf("after Unreserve (-want +got)\n%s", d)
	}
}
