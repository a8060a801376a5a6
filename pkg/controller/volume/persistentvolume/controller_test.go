package persistentvolume

import (
	"context"
	"strings"
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/client/clock"
	"keel.dev/client/fake"
	"keel.dev/client/informers"
	"keel.dev/client/record"
)

type harness struct {
	t        *testing.T
	cs       *fake.Clientset
	c        *Controller
	events   *record.FakeRecorder
	ctx      context.Context
	syncedAt time.Time
}

func newHarness(t *testing.T, objs ...runtime.Object) *harness {
	t.Helper()
	cs := fake.NewClientset(objs...)
	f := informers.NewFactory(cs.Clientset, 0)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	events := record.NewFakeRecorder(20)
	c := New(cs.Clientset, f, Options{Clock: clock.NewFake(now), Recorder: events})
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() { cancel(); f.Shutdown() })
	f.Start(ctx)
	if !f.WaitForCacheSync(ctx) {
		t.Fatal("caches did not sync")
	}
	return &harness{t: t, cs: cs, c: c, events: events, ctx: ctx, syncedAt: now}
}

func (h *harness) syncClaim(name string) {
	h.t.Helper()
	if err := h.c.syncClaim(h.ctx, "ns/"+name); err != nil {
		h.t.Fatalf("syncClaim: %v", err)
	}
}

func (h *harness) syncVolume(name string) {
	h.t.Helper()
	if err := h.c.syncVolume(h.ctx, name); err != nil {
		h.t.Fatalf("syncVolume: %v", err)
	}
}

func (h *harness) claim(name string) *corev1.PersistentVolumeClaim {
	h.t.Helper()
	c, err := h.cs.CoreV1().PersistentVolumeClaims("ns").Get(h.ctx, name, metav1.GetOptions{})
	if err != nil {
		h.t.Fatal(err)
	}
	return c
}

func (h *harness) volume(name string) *corev1.PersistentVolume {
	h.t.Helper()
	pv, err := h.cs.CoreV1().PersistentVolumes().Get(h.ctx, name, metav1.GetOptions{})
	if err != nil {
		h.t.Fatal(err)
	}
	return pv
}

// event returns the next recorded event, or "" when there is none.
func (h *harness) event() string {
	select {
	case e := <-h.events.Events:
		return e
	default:
		return ""
	}
}

func TestClaimBindsToTheMatchingVolume(t *testing.T) {
	h := newHarness(t, claim("data", "1Gi"), volume("pv-big", "10Gi"), volume("pv-fit", "2Gi"))
	h.syncClaim("data")

	pv := h.volume("pv-fit")
	if ref := pv.Spec.ClaimRef; ref == nil || ref.Name != "data" || ref.Namespace != "ns" || ref.UID != "data-uid" || ref.Kind != "PersistentVolumeClaim" {
		t.Fatalf("volume claimRef = %+v, want the claim ns/data", pv.Spec.ClaimRef)
	}
	if pv.Annotations[AnnBoundByController] != "yes" || pv.Status.Phase != corev1.VolumeBound {
		t.Fatalf("volume annotations %v phase %q, want bound-by-controller and Bound", pv.Annotations, pv.Status.Phase)
	}
	c := h.claim("data")
	if c.Spec.VolumeName != "pv-fit" || c.Annotations[AnnBindCompleted] != "yes" || c.Annotations[AnnBoundByController] != "yes" {
		t.Fatalf("claim volumeName %q annotations %v, want pv-fit with bind-completed and bound-by-controller", c.Spec.VolumeName, c.Annotations)
	}
	got := c.Status.Capacity[corev1.ResourceStorage]
	if c.Status.Phase != corev1.ClaimBound || got.String() != "2Gi" || len(c.Status.AccessModes) != 2 {
		t.Fatalf("claim status = %+v, want Bound with the volume's 2Gi and access modes", c.Status)
	}
	if big := h.volume("pv-big"); big.Spec.ClaimRef != nil {
		t.Fatalf("the larger volume was claimed too: %+v", big.Spec.ClaimRef)
	}
}

func TestClaimWithoutVolumeOrClassStaysPending(t *testing.T) {
	h := newHarness(t, claim("data", "1Gi", func(c *corev1.PersistentVolumeClaim) { c.Status.Phase = "" }))
	h.syncClaim("data")
	if c := h.claim("data"); c.Status.Phase != corev1.ClaimPending || c.Spec.VolumeName != "" {
		t.Fatalf("claim phase %q volume %q, want Pending and unbound", c.Status.Phase, c.Spec.VolumeName)
	}
	if e := h.event(); e != "Normal FailedBinding "+msgNoVolumeNoClass {
		t.Fatalf("event = %q", e)
	}
}

func TestWaitForFirstConsumer(t *testing.T) {
	wffc := func(c *corev1.PersistentVolumeClaim) { c.Spec.StorageClassName = ptr("local") }
	selected := func(c *corev1.PersistentVolumeClaim) {
		c.Annotations = map[string]string{AnnSelectedNode: "n1"}
	}
	tests := []struct {
		name          string
		claim         *corev1.PersistentVolumeClaim
		wantEvent     string
		wantProvision bool
	}{
		{
			name:      "a claim without a selected node waits and is not bound",
			claim:     claim("data", "1Gi", wffc),
			wantEvent: "Normal WaitForFirstConsumer " + msgWaitForConsumer,
		},
		{
			name:          "a claim with a selected node and no volume goes to the provisioner",
			claim:         claim("data", "5Gi", wffc, selected),
			wantEvent:     "Normal ExternalProvisioning Waiting for a volume to be created either by the external provisioner 'keel.dev/local-path' or manually by the system administrator.",
			wantProvision: true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pv := volume("pv", "1Gi", func(pv *corev1.PersistentVolume) { pv.Spec.StorageClassName = "local" }, onNode("n1"))
			n := node("n1", map[string]string{"kubernetes.io/hostname": "n1"})
			h := newHarness(t, tc.claim, pv, n, class("local", "keel.dev/local-path", waitForConsumer))
			h.syncClaim("data")
			c := h.claim("data")
			if c.Spec.VolumeName != "" {
				t.Fatalf("claim bound to %q, want unbound", c.Spec.VolumeName)
			}
			if got := c.Annotations[AnnStorageProvisioner] == "keel.dev/local-path" && c.Annotations[AnnBetaStorageProvisioner] == "keel.dev/local-path"; got != tc.wantProvision {
				t.Fatalf("provisioner annotations %v, want set=%v", c.Annotations, tc.wantProvision)
			}
			if e := h.event(); !strings.HasPrefix(e, tc.wantEvent) {
				t.Fatalf("event = %q, want prefix %q", e, tc.wantEvent)
			}
		})
	}
}

func TestWaitForFirstConsumerBindsOnTheSelectedNode(t *testing.T) {
	c := claim("data", "1Gi", func(c *corev1.PersistentVolumeClaim) {
		c.Spec.StorageClassName = ptr("local")
		c.Annotations = map[string]string{AnnSelectedNode: "n1"}
	})
	local := func(pv *corev1.PersistentVolume) { pv.Spec.StorageClassName = "local" }
	h := newHarness(t, c, class("local", "keel.dev/local-path", waitForConsumer),
		node("n1", map[string]string{"kubernetes.io/hostname": "n1"}),
		volume("elsewhere", "1Gi", local, onNode("n2")), volume("here", "3Gi", local, onNode("n1")))
	h.syncClaim("data")
	if got := h.claim("data").Spec.VolumeName; got != "here" {
		t.Fatalf("claim bound to %q, want the volume on the selected node", got)
	}
}

func TestClaimWithoutClassGetsTheDefaultClass(t *testing.T) {
	h := newHarness(t, claim("data", "1Gi", func(c *corev1.PersistentVolumeClaim) { c.Spec.StorageClassName = nil }),
		class("standard", "keel.dev/local-path", asDefault), class("other", "x"))
	h.syncClaim("data")
	if sc := h.claim("data").Spec.StorageClassName; sc == nil || *sc != "standard" {
		t.Fatalf("storageClassName = %v, want standard", sc)
	}
}

func TestPreboundClaim(t *testing.T) {
	named := func(name string) func(*corev1.PersistentVolumeClaim) {
		return func(c *corev1.PersistentVolumeClaim) { c.Spec.VolumeName = name }
	}
	tests := []struct {
		name       string
		claim      *corev1.PersistentVolumeClaim
		volume     *corev1.PersistentVolume
		wantBound  bool
		wantEvent  string
		byCtrlOnPV bool
	}{
		{
			name: "a claim naming a free volume binds to it even when a smaller one exists", claim: claim("data", "1Gi", named("pv")),
			volume: volume("pv", "50Gi"), wantBound: true, byCtrlOnPV: true,
		},
		{
			name: "a claim naming a too small volume gets a VolumeMismatch event", claim: claim("data", "10Gi", named("pv")),
			volume: volume("pv", "1Gi"), wantEvent: `Warning VolumeMismatch Cannot bind to requested volume "pv": requested PV is too small`,
		},
		{
			name: "a claim naming a volume of another claim is refused", claim: claim("data", "1Gi", named("pv")),
			volume: volume("pv", "1Gi", func(pv *corev1.PersistentVolume) {
				pv.Spec.ClaimRef = &corev1.ObjectReference{Namespace: "ns", Name: "other", UID: "other-uid"}
			}),
			wantEvent: `Warning FailedBinding volume "pv" already bound to a different claim.`,
		},
		{
			name: "both sides pre-bound by the user bind without the controller annotation on the volume", claim: claim("data", "1Gi", named("pv")),
			volume: volume("pv", "1Gi", func(pv *corev1.PersistentVolume) {
				pv.Spec.ClaimRef = &corev1.ObjectReference{Namespace: "ns", Name: "data"}
			}),
			wantBound: true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, tc.claim, tc.volume, volume("small", "1Gi"))
			h.syncClaim("data")
			c, pv := h.claim("data"), h.volume("pv")
			bound := c.Status.Phase == corev1.ClaimBound && pv.Status.Phase == corev1.VolumeBound && pv.Spec.ClaimRef.UID == "data-uid"
			if bound != tc.wantBound {
				t.Fatalf("bound = %v, want %v (claim %+v, volume %+v)", bound, tc.wantBound, c.Status, pv.Spec.ClaimRef)
			}
			if tc.wantBound && (c.Annotations[AnnBoundByController] != "" || (pv.Annotations[AnnBoundByController] != "") != tc.byCtrlOnPV) {
				t.Fatalf("claim annotations %v volume annotations %v", c.Annotations, pv.Annotations)
			}
			if e := h.event(); e != tc.wantEvent {
				t.Fatalf("event = %q, want %q", e, tc.wantEvent)
			}
		})
	}
}

func TestVolumeOfDeletedClaim(t *testing.T) {
	boundToGone := func(policy corev1.PersistentVolumeReclaimPolicy, provisioner string) *corev1.PersistentVolume {
		return volume("pv", "1Gi", func(pv *corev1.PersistentVolume) {
			pv.Spec.ClaimRef = &corev1.ObjectReference{Namespace: "ns", Name: "gone", UID: "gone-uid"}
			pv.Spec.PersistentVolumeReclaimPolicy = policy
			pv.Status.Phase = corev1.VolumeBound
			if provisioner != "" {
				pv.Annotations = map[string]string{AnnProvisionedBy: provisioner}
			}
		})
	}
	tests := []struct {
		name      string
		pv        *corev1.PersistentVolume
		wantPhase corev1.PersistentVolumePhase
		wantEvent string
	}{
		{"a Retain volume is Released and kept", boundToGone(corev1.PersistentVolumeReclaimRetain, ""), corev1.VolumeReleased, ""},
		{"a provisioned Delete volume is Released for its provisioner", boundToGone(corev1.PersistentVolumeReclaimDelete, "keel.dev/local-path"), corev1.VolumeReleased, ""},
		{"a Delete volume nobody provisioned fails", boundToGone(corev1.PersistentVolumeReclaimDelete, ""), corev1.VolumeFailed,
			`Warning VolumeFailedDelete error getting deleter volume plugin for volume "pv": no deletable volume plugin matched`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, tc.pv)
			h.syncVolume("pv")
			pv := h.volume("pv")
			if pv.Status.Phase != tc.wantPhase || pv.Spec.ClaimRef == nil {
				t.Fatalf("phase %q claimRef %v, want %q with the claimRef kept", pv.Status.Phase, pv.Spec.ClaimRef, tc.wantPhase)
			}
			if pv.Status.LastPhaseTransitionTime == nil || !pv.Status.LastPhaseTransitionTime.Time.Equal(h.syncedAt) {
				t.Fatalf("lastPhaseTransitionTime = %v, want %v", pv.Status.LastPhaseTransitionTime, h.syncedAt)
			}
			if e := h.event(); e != tc.wantEvent {
				t.Fatalf("event = %q, want %q", e, tc.wantEvent)
			}
		})
	}
}

func TestVolumeOfAClaimBoundElsewhereIsFreed(t *testing.T) {
	c := claim("data", "1Gi", func(c *corev1.PersistentVolumeClaim) { c.Spec.VolumeName = "other" })
	pv := volume("pv", "1Gi", func(pv *corev1.PersistentVolume) {
		pv.Annotations = map[string]string{AnnBoundByController: "yes"}
		pv.Spec.ClaimRef = ClaimReference(c)
		pv.Status.Phase = corev1.VolumeBound
	})
	h := newHarness(t, c, pv)
	h.syncVolume("pv")
	got := h.volume("pv")
	if got.Spec.ClaimRef != nil || got.Status.Phase != corev1.VolumeAvailable || got.Annotations[AnnBoundByController] != "" {
		t.Fatalf("volume claimRef %v phase %q annotations %v, want unclaimed and Available", got.Spec.ClaimRef, got.Status.Phase, got.Annotations)
	}
}

func TestBoundClaimWhoseVolumeIsGoneIsLost(t *testing.T) {
	c := claim("data", "1Gi", func(c *corev1.PersistentVolumeClaim) {
		c.Spec.VolumeName = "gone"
		c.Annotations = map[string]string{AnnBindCompleted: "yes"}
		c.Status.Phase = corev1.ClaimBound
	})
	h := newHarness(t, c)
	h.syncClaim("data")
	if got := h.claim("data").Status.Phase; got != corev1.ClaimLost {
		t.Fatalf("phase = %q, want Lost", got)
	}
	if e := h.event(); e != "Warning ClaimLost "+msgClaimLost {
		t.Fatalf("event = %q", e)
	}
}

func TestDeletedClaimIsIgnored(t *testing.T) {
	h := newHarness(t)
	h.syncClaim("missing")
	h.syncVolume("missing")
	if _, err := h.cs.CoreV1().PersistentVolumeClaims("ns").Get(h.ctx, "missing", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Fatalf("get missing claim: %v, want NotFound", err)
	}
	if e := h.event(); e != "" {
		t.Fatalf("event = %q, want none", e)
	}
}
