package localprovisioner

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	corev1 "keel.dev/api/core/v1"
	storagev1 "keel.dev/api/storage/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	"keel.dev/apimachinery/pkg/api/resource"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/client/fake"
	"keel.dev/client/informers"
	"keel.dev/client/record"

	pvc "keel.dev/keel/pkg/controller/volume/persistentvolume"
)

type harness struct {
	t      *testing.T
	cs     *fake.Clientset
	c      *Controller
	events *record.FakeRecorder
	ctx    context.Context
	root   string
}

func newHarness(t *testing.T, root string, objs ...runtime.Object) *harness {
	t.Helper()
	cs := fake.NewClientset(objs...)
	f := informers.NewFactory(cs.Clientset, 0)
	events := record.NewFakeRecorder(20)
	c, err := New(cs.Clientset, f, Options{Root: root, Recorder: events})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() { cancel(); f.Shutdown() })
	f.Start(ctx)
	if !f.WaitForCacheSync(ctx) {
		t.Fatal("caches did not sync")
	}
	return &harness{t: t, cs: cs, c: c, events: events, ctx: ctx, root: root}
}

// drain returns the recorded events joined by "|".
func (h *harness) drain() string {
	var out []string
	for {
		select {
		case e := <-h.events.Events:
			out = append(out, e)
		default:
			return strings.Join(out, "|")
		}
	}
}

func ptr[T any](v T) *T { return &v }

func localClass(mode storagev1.VolumeBindingMode) *storagev1.StorageClass {
	sc := DefaultClass()
	sc.Name = "local"
	sc.VolumeBindingMode = &mode
	return sc
}

func handedClaim(mutate ...func(*corev1.PersistentVolumeClaim)) *corev1.PersistentVolumeClaim {
	c := &corev1.PersistentVolumeClaim{
		ObjectMeta: metav1.ObjectMeta{Name: "data", Namespace: "ns", UID: "c-uid", Annotations: map[string]string{
			pvc.AnnStorageProvisioner: ProvisionerName, pvc.AnnSelectedNode: "n1",
		}},
		Spec: corev1.PersistentVolumeClaimSpec{
			AccessModes:      []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
			Resources:        corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("3Gi")}},
			StorageClassName: ptr("local"),
		},
	}
	for _, m := range mutate {
		m(c)
	}
	return c
}

func node(name string) *corev1.Node {
	return &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{hostnameLabel: name + "-host"}}}
}

func TestProvisionCreatesAPreboundHostPathVolume(t *testing.T) {
	root := t.TempDir()
	h := newHarness(t, root, handedClaim(), localClass(storagev1.VolumeBindingWaitForFirstConsumer), node("n1"), node("n2"))
	if err := h.c.syncClaim(h.ctx, "ns/data"); err != nil {
		t.Fatal(err)
	}
	pv, err := h.cs.CoreV1().PersistentVolumes().Get(h.ctx, "pvc-c-uid", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("volume pvc-c-uid: %v", err)
	}
	wantPath := filepath.Join(root, "ns_data_pvc-c-uid")
	if pv.Spec.HostPath == nil || pv.Spec.HostPath.Path != wantPath || *pv.Spec.HostPath.Type != corev1.HostPathDirectoryOrCreate {
		t.Fatalf("hostPath = %+v, want %s DirectoryOrCreate", pv.Spec.HostPath, wantPath)
	}
	if ref := pv.Spec.ClaimRef; ref == nil || ref.UID != "c-uid" || ref.Name != "data" || ref.Namespace != "ns" {
		t.Fatalf("claimRef = %+v, want the claim", pv.Spec.ClaimRef)
	}
	capacity := pv.Spec.Capacity[corev1.ResourceStorage]
	if capacity.String() != "3Gi" || pv.Spec.StorageClassName != "local" || pv.Spec.PersistentVolumeReclaimPolicy != corev1.PersistentVolumeReclaimDelete ||
		pv.Annotations[pvc.AnnProvisionedBy] != ProvisionerName {
		t.Fatalf("volume spec %+v annotations %v", pv.Spec, pv.Annotations)
	}
	terms := pv.Spec.NodeAffinity.Required.NodeSelectorTerms
	if len(terms) != 1 || terms[0].MatchExpressions[0].Key != hostnameLabel || terms[0].MatchExpressions[0].Values[0] != "n1-host" {
		t.Fatalf("node affinity = %+v, want hostname n1-host", terms)
	}
	if fi, err := os.Stat(wantPath); err != nil || !fi.IsDir() || fi.Mode().Perm() != 0o777 {
		t.Fatalf("volume directory: %v %v", fi, err)
	}
	if got := h.drain(); !strings.Contains(got, "Normal ProvisioningSucceeded Successfully provisioned volume pvc-c-uid") {
		t.Fatalf("events = %q", got)
	}
}

func TestProvisionSkips(t *testing.T) {
	tests := []struct {
		name      string
		claim     *corev1.PersistentVolumeClaim
		class     *storagev1.StorageClass
		nodes     []runtime.Object
		wantEvent string
	}{
		{
			name:  "a claim not handed to this provisioner",
			claim: handedClaim(func(c *corev1.PersistentVolumeClaim) { delete(c.Annotations, pvc.AnnStorageProvisioner) }),
			class: localClass(storagev1.VolumeBindingWaitForFirstConsumer), nodes: []runtime.Object{node("n1")},
		},
		{
			name:  "a claim of another provisioner's class",
			claim: handedClaim(),
			class: func() *storagev1.StorageClass {
				sc := localClass(storagev1.VolumeBindingImmediate)
				sc.Provisioner = "example.com/nfs"
				return sc
			}(),
			nodes: []runtime.Object{node("n1")},
		},
		{
			name:  "a WaitForFirstConsumer claim without a selected node",
			claim: handedClaim(func(c *corev1.PersistentVolumeClaim) { delete(c.Annotations, pvc.AnnSelectedNode) }),
			class: localClass(storagev1.VolumeBindingWaitForFirstConsumer), nodes: []runtime.Object{node("n1")},
		},
		{
			name:      "an Immediate claim without a selected node in a two-node cluster",
			claim:     handedClaim(func(c *corev1.PersistentVolumeClaim) { delete(c.Annotations, pvc.AnnSelectedNode) }),
			class:     localClass(storagev1.VolumeBindingImmediate),
			nodes:     []runtime.Object{node("n1"), node("n2")},
			wantEvent: "Warning ProvisioningFailed cannot choose a node for the volume",
		},
		{
			name: "a claim with a selector",
			claim: handedClaim(func(c *corev1.PersistentVolumeClaim) {
				c.Spec.Selector = &metav1.LabelSelector{MatchLabels: map[string]string{"a": "b"}}
			}),
			class: localClass(storagev1.VolumeBindingWaitForFirstConsumer), nodes: []runtime.Object{node("n1")},
			wantEvent: "Warning ProvisioningFailed claim Selector is not supported",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, t.TempDir(), append([]runtime.Object{tc.claim, tc.class}, tc.nodes...)...)
			if err := h.c.syncClaim(h.ctx, "ns/data"); err != nil {
				t.Fatal(err)
			}
			list, err := h.cs.CoreV1().PersistentVolumes().List(h.ctx, metav1.ListOptions{})
			if err != nil || len(list.Items) != 0 {
				t.Fatalf("volumes = %v (%v), want none", list, err)
			}
			if got := h.drain(); !strings.HasPrefix(got, tc.wantEvent) || (tc.wantEvent == "" && got != "") {
				t.Fatalf("events = %q, want prefix %q", got, tc.wantEvent)
			}
		})
	}
}

func TestProvisionImmediateClaimOnTheOnlyNode(t *testing.T) {
	c := handedClaim(func(c *corev1.PersistentVolumeClaim) { delete(c.Annotations, pvc.AnnSelectedNode) })
	h := newHarness(t, t.TempDir(), c, localClass(storagev1.VolumeBindingImmediate), node("solo"))
	if err := h.c.syncClaim(h.ctx, "ns/data"); err != nil {
		t.Fatal(err)
	}
	pv, err := h.cs.CoreV1().PersistentVolumes().Get(h.ctx, "pvc-c-uid", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if v := pv.Spec.NodeAffinity.Required.NodeSelectorTerms[0].MatchExpressions[0].Values[0]; v != "solo-host" {
		t.Fatalf("volume pinned to %q, want solo-host", v)
	}
}

func releasedVolume(path string, mutate ...func(*corev1.PersistentVolume)) *corev1.PersistentVolume {
	pv := &corev1.PersistentVolume{
		ObjectMeta: metav1.ObjectMeta{Name: "pvc-c-uid", UID: "pv-uid", Annotations: map[string]string{pvc.AnnProvisionedBy: ProvisionerName}},
		Spec: corev1.PersistentVolumeSpec{
			Capacity:                      corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1Gi")},
			PersistentVolumeSource:        corev1.PersistentVolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: path}},
			PersistentVolumeReclaimPolicy: corev1.PersistentVolumeReclaimDelete,
			ClaimRef:                      &corev1.ObjectReference{Namespace: "ns", Name: "data", UID: "c-uid"},
		},
		Status: corev1.PersistentVolumeStatus{Phase: corev1.VolumeReleased},
	}
	for _, m := range mutate {
		m(pv)
	}
	return pv
}

func TestDeleteRemovesTheDirectoryAndTheVolume(t *testing.T) {
	root := t.TempDir()
	dir := VolumePath(root, "ns", "data", "pvc-c-uid")
	if err := os.MkdirAll(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "sub", "file"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, root, releasedVolume(dir))
	if err := h.c.syncVolume(h.ctx, "pvc-c-uid"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("directory still there: %v", err)
	}
	if _, err := os.Stat(root); err != nil {
		t.Fatalf("the root itself was touched: %v", err)
	}
	if _, err := h.cs.CoreV1().PersistentVolumes().Get(h.ctx, "pvc-c-uid", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Fatalf("volume get: %v, want NotFound", err)
	}
}

func TestDeleteRefusesUnsafeOrRemotePaths(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	victim := filepath.Join(outside, "ns_data_pvc-c-uid")
	if err := os.MkdirAll(victim, 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		root    string
		path    string
		wantMsg string
	}{
		{"a path outside the root", root, victim, "is not a volume directory under"},
		{"a path escaping the root with ..", root, filepath.Join(root, "..", filepath.Base(outside), "ns_data_pvc-c-uid"), "is not a volume directory under"},
		{"the root itself", root, root, "is not a volume directory under"},
		{"a directory of another volume", root, filepath.Join(root, "ns_data_pvc-other"), "is not a volume directory under"},
		{"a root that is not on this machine", filepath.Join(root, "absent"), filepath.Join(root, "absent", "ns_data_pvc-c-uid"), "is not on the controller-manager's machine"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, tc.root, releasedVolume(tc.path))
			if err := h.c.syncVolume(h.ctx, "pvc-c-uid"); err != nil {
				t.Fatal(err)
			}
			pv, err := h.cs.CoreV1().PersistentVolumes().Get(h.ctx, "pvc-c-uid", metav1.GetOptions{})
			if err != nil {
				t.Fatalf("volume was deleted: %v", err)
			}
			if pv.Status.Phase != corev1.VolumeFailed || !strings.Contains(pv.Status.Message, tc.wantMsg) {
				t.Fatalf("status = %+v, want Failed with %q", pv.Status, tc.wantMsg)
			}
			if got := h.drain(); !strings.HasPrefix(got, "Warning VolumeFailedDelete") {
				t.Fatalf("events = %q", got)
			}
			if _, err := os.Stat(victim); err != nil {
				t.Fatalf("a directory outside the root was removed: %v", err)
			}
			if _, err := os.Stat(root); err != nil {
				t.Fatalf("the root was removed: %v", err)
			}
		})
	}
}

func TestDeleteLeavesOtherVolumesAlone(t *testing.T) {
	root := t.TempDir()
	dir := VolumePath(root, "ns", "data", "pvc-c-uid")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		pv   *corev1.PersistentVolume
	}{
		{"a Retain volume", releasedVolume(dir, func(pv *corev1.PersistentVolume) {
			pv.Spec.PersistentVolumeReclaimPolicy = corev1.PersistentVolumeReclaimRetain
		})},
		{"a bound volume", releasedVolume(dir, func(pv *corev1.PersistentVolume) { pv.Status.Phase = corev1.VolumeBound })},
		{"a volume of another provisioner", releasedVolume(dir, func(pv *corev1.PersistentVolume) {
			pv.Annotations[pvc.AnnProvisionedBy] = "example.com/nfs"
		})},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, root, tc.pv)
			if err := h.c.syncVolume(h.ctx, "pvc-c-uid"); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(dir); err != nil {
				t.Fatalf("directory removed: %v", err)
			}
			if _, err := h.cs.CoreV1().PersistentVolumes().Get(h.ctx, "pvc-c-uid", metav1.GetOptions{}); err != nil {
				t.Fatalf("volume deleted: %v", err)
			}
		})
	}
}

func TestNewRejectsARelativeOrSlashRoot(t *testing.T) {
	for _, root := range []string{"relative/dir", "/", "/.."} {
		t.Run(root, func(t *testing.T) {
			cs := fake.NewClientset()
			if _, err := New(cs.Clientset, informers.NewFactory(cs.Clientset, 0), Options{Root: root}); err == nil {
				t.Fatalf("New accepted root %q", root)
			}
		})
	}
}
