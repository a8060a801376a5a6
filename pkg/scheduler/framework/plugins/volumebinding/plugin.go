package volumebinding

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	corev1 "keel.dev/api/core/v1"
	storagev1 "keel.dev/api/storage/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/keel/pkg/scheduler/apis/config"
	"keel.dev/keel/pkg/scheduler/framework"
	"keel.dev/keel/pkg/scheduler/framework/plugins/names"
	"keel.dev/keel/pkg/scheduler/framework/plugins/nodeaffinity"
)

// Name is the plugin name.
const Name = names.VolumeBinding

// Failure reasons, as kube-scheduler words them.
const (
	ErrReasonBindConflict   = "node(s) didn't find available persistent volumes to bind"
	ErrReasonNodeConflict   = "node(s) had volume node affinity conflict"
	ErrReasonPVNotExist     = "node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)"
	ErrReasonUnboundClaims  = "pod has unbound immediate PersistentVolumeClaims"
	msgClaimNotFound        = "persistentvolumeclaim %q not found"
	msgClaimDeleting        = "persistentvolumeclaim %q is being deleted"
	msgClaimNotOwned        = "PVC %s/%s was not created for pod %s/%s (pod is not owner)"
	msgStorageClassNotFound = "storageclass.storage.k8s.io %q not found"
)

// AnnSelectedNode on a claim names the node chosen for its first consumer.
const AnnSelectedNode = "volume.kubernetes.io/selected-node"

// noProvisioner is the provisioner of classes that only bind pre-created volumes.
const noProvisioner = "kubernetes.io/no-provisioner"

// pollInterval is how often PreBind looks at the claims it waits for.
const pollInterval = 100 * time.Millisecond

const stateKey framework.StateKey = "PreFilter" + Name

// VolumeBinding is the plugin.
type VolumeBinding struct {
	h           framework.Handle
	volumes     framework.VolumeLister
	claims      framework.ClaimWriter
	bindTimeout time.Duration

	mu sync.Mutex
	// assumed maps namespace/claim to the node a reserved pod chose for it,
	// until PreBind saw it bound or the pod was unreserved.
	assumed map[string]string
}

var (
	_ framework.PreFilterPlugin   = (*VolumeBinding)(nil)
	_ framework.FilterPlugin      = (*VolumeBinding)(nil)
	_ framework.ReservePlugin     = (*VolumeBinding)(nil)
	_ framework.PreBindPlugin     = (*VolumeBinding)(nil)
	_ framework.EnqueueExtensions = (*VolumeBinding)(nil)
)

// New builds the plugin from *config.VolumeBindingArgs (nil: defaults) and
// the handle's VolumeLister and ClaimWriter.
func New(_ context.Context, args any, h framework.Handle) (framework.Plugin, error) {
	timeout := int64(config.DefaultBindTimeoutSeconds)
	if a, ok := args.(*config.VolumeBindingArgs); ok && a != nil && a.BindTimeoutSeconds != nil {
		timeout = *a.BindTimeoutSeconds
	}
	api := h.ClusterAPI()
	return &VolumeBinding{
		h: h, volumes: api.Volumes, claims: api.Claims,
		bindTimeout: time.Duration(timeout) * time.Second,
		assumed:     map[string]string{},
	}, nil
}

// Name returns the plugin name.
func (*VolumeBinding) Name() string { return Name }

// EventsToRegister: claims, volumes and classes appearing or changing, and
// nodes appearing or relabelled, can make a rejected pod schedulable.
func (*VolumeBinding) EventsToRegister(context.Context) ([]framework.ClusterEvent, error) {
	return []framework.ClusterEvent{
		{Resource: framework.PersistentVolumeClaim, ActionType: framework.Add | framework.Update},
		{Resource: framework.PersistentVolume, ActionType: framework.Add | framework.Update},
		{Resource: framework.StorageClass, ActionType: framework.Add | framework.Update},
		{Resource: framework.Node, ActionType: framework.Add | framework.UpdateNodeLabel},
	}, nil
}

// boundClaim is a claim with a volume name and that volume (nil if missing).
type boundClaim struct {
	claim    *corev1.PersistentVolumeClaim
	pv       *corev1.PersistentVolume
	affinity nodeaffinity.NodeSelector
}

// delayedClaim is an unbound claim of a WaitForFirstConsumer class.
type delayedClaim struct {
	claim *corev1.PersistentVolumeClaim
	class *storagev1.StorageClass
	// candidates are the Available volumes matching the claim on some node.
	candidates []candidate
	// node, when set, is the only node the claim may go to: it already
	// carries the selected-node annotation or another pod reserved it.
	node string
}

type candidate struct {
	pv       *corev1.PersistentVolume
	affinity nodeaffinity.NodeSelector
}

// state is what PreFilter learned about the pod's claims.
type state struct {
	bound   []boundClaim
	delayed []delayedClaim
}

// Clone returns the state itself: it is never modified after PreFilter.
func (s *state) Clone() framework.StateData { return s }

// podClaimNames returns the names of the claims pod uses, with whether
// each is the pod's generic ephemeral volume.
func podClaimNames(pod *corev1.Pod) (names []string, ephemeral []bool) {
	for i := range pod.Spec.Volumes {
		v := &pod.Spec.Volumes[i]
		switch {
		case v.PersistentVolumeClaim != nil:
			names, ephemeral = append(names, v.PersistentVolumeClaim.ClaimName), append(ephemeral, false)
		case v.Ephemeral != nil:
			names, ephemeral = append(names, pod.Name+"-"+v.Name), append(ephemeral, true)
		}
	}
	return names, ephemeral
}

// PreFilter classifies the pod's claims; pods without claims skip the plugin.
func (pl *VolumeBinding) PreFilter(_ context.Context, cs *framework.CycleState, pod *corev1.Pod, _ []*framework.NodeInfo) (*framework.PreFilterResult, *framework.Status) {
	claimNames, ephemeral := podClaimNames(pod)
	if len(claimNames) == 0 {
		return nil, framework.NewStatus(framework.Skip)
	}
	if pl.volumes == nil {
		return nil, framework.AsStatus(errors.New("VolumeBinding: the scheduler has no volume lister"))
	}
	s := &state{}
	unboundImmediate := false
	var pvs []*corev1.PersistentVolume
	for i, name := range claimNames {
		claim, err := pl.volumes.GetPVC(pod.Namespace, name)
		if errors.Is(err, framework.ErrNotFound) {
			return nil, framework.NewStatus(framework.UnschedulableAndUnresolvable, fmt.Sprintf(msgClaimNotFound, name))
		}
		if err != nil {
			return nil, framework.AsStatus(err)
		}
		if claim.DeletionTimestamp != nil {
			return nil, framework.NewStatus(framework.UnschedulableAndUnresolvable, fmt.Sprintf(msgClaimDeleting, name))
		}
		if ephemeral[i] && !ownedBy(claim, pod) {
			return nil, framework.NewStatus(framework.UnschedulableAndUnresolvable, fmt.Sprintf(msgClaimNotOwned, claim.Namespace, claim.Name, pod.Namespace, pod.Name))
		}
		if claim.Spec.VolumeName != "" {
			bc := boundClaim{claim: claim}
			if pv, err := pl.volumes.GetPV(claim.Spec.VolumeName); err == nil {
				bc.pv = pv
				bc.affinity = volumeAffinity(pv)
			} else if !errors.Is(err, framework.ErrNotFound) {
				return nil, framework.AsStatus(err)
			}
			s.bound = append(s.bound, bc)
			continue
		}
		className := claimClass(claim)
		if className == "" {
			unboundImmediate = true
			continue
		}
		class, err := pl.volumes.GetStorageClass(className)
		if errors.Is(err, framework.ErrNotFound) {
			return nil, framework.NewStatus(framework.UnschedulableAndUnresolvable, fmt.Sprintf(msgStorageClassNotFound, className))
		}
		if err != nil {
			return nil, framework.AsStatus(err)
		}
		if class.VolumeBindingMode == nil || *class.VolumeBindingMode != storagev1.VolumeBindingWaitForFirstConsumer {
			unboundImmediate = true
			continue
		}
		if pvs == nil {
			if pvs, err = pl.volumes.ListPVs(); err != nil {
				return nil, framework.AsStatus(err)
			}
		}
		dc := delayedClaim{claim: claim, class: class, node: claim.Annotations[AnnSelectedNode]}
		if dc.node == "" {
			dc.node = pl.assumedNode(claim)
		}
		for _, pv := range pvs {
			if volumeMatches(pv, claim, className) {
				dc.candidates = append(dc.candidates, candidate{pv: pv, affinity: volumeAffinity(pv)})
			}
		}
		s.delayed = append(s.delayed, dc)
	}
	if unboundImmediate {
		return nil, framework.NewStatus(framework.UnschedulableAndUnresolvable, ErrReasonUnboundClaims)
	}
	cs.Write(stateKey, s)
	return nil, nil
}

// PreFilterExtensions returns nil: other pods do not change volume fit.
func (*VolumeBinding) PreFilterExtensions() framework.PreFilterExtensions { return nil }

func readState(cs *framework.CycleState) (*state, error) {
	d, err := cs.Read(stateKey)
	if err != nil {
		return nil, fmt.Errorf("read %s state: %w", Name, err)
	}
	s, ok := d.(*state)
	if !ok {
		return nil, fmt.Errorf("%s state has type %T", Name, d)
	}
	return s, nil
}

// ownedBy reports whether pod is the controller of claim.
func ownedBy(claim *corev1.PersistentVolumeClaim, pod *corev1.Pod) bool {
	ref := metav1.GetControllerOf(claim)
	return ref != nil && ref.UID == pod.UID
}

// claimClass is the class a claim asks for: spec.storageClassName, else
// the legacy beta annotation.
func claimClass(c *corev1.PersistentVolumeClaim) string {
	if c.Spec.StorageClassName != nil {
		return *c.Spec.StorageClassName
	}
	return c.Annotations[corev1.BetaStorageClassAnnotation]
}

func volumeClass(pv *corev1.PersistentVolume) string {
	if pv.Spec.StorageClassName != "" {
		return pv.Spec.StorageClassName
	}
	return pv.Annotations[corev1.BetaStorageClassAnnotation]
}

// volumeAffinity parses a volume's required node affinity; nil matches every node.
func volumeAffinity(pv *corev1.PersistentVolume) nodeaffinity.NodeSelector {
	if pv.Spec.NodeAffinity == nil || pv.Spec.NodeAffinity.Required == nil {
		return nil
	}
	return nodeaffinity.NewNodeSelector(pv.Spec.NodeAffinity.Required)
}

func affinityMatches(s nodeaffinity.NodeSelector, node *corev1.Node) bool {
	return s == nil || s.Match(node)
}

// volumeMatches reports whether pv could be bound to claim, node aside: it
// is Available (or pre-bound to the claim) and agrees on class, volume
// mode, access modes, capacity and the claim's selector.
func volumeMatches(pv *corev1.PersistentVolume, claim *corev1.PersistentVolumeClaim, class string) bool {
	if pv.DeletionTimestamp != nil {
		return false
	}
	if ref := pv.Spec.ClaimRef; ref != nil {
		if ref.Namespace != claim.Namespace || ref.Name != claim.Name || (ref.UID != "" && ref.UID != claim.UID) {
			return false
		}
	} else if pv.Status.Phase != "" && pv.Status.Phase != corev1.VolumeAvailable {
		return false
	}
	if volumeClass(pv) != class || mode(pv.Spec.VolumeMode) != mode(claim.Spec.VolumeMode) {
		return false
	}
	for _, m := range claim.Spec.AccessModes {
		found := false
		for _, have := range pv.Spec.AccessModes {
			found = found || have == m
		}
		if !found {
			return false
		}
	}
	if want, ok := claim.Spec.Resources.Requests[corev1.ResourceStorage]; ok {
		have, ok := pv.Spec.Capacity[corev1.ResourceStorage]
		if !ok || have.Cmp(want) < 0 {
			return false
		}
	}
	if claim.Spec.Selector != nil {
		sel, err := metav1.LabelSelectorAsSelector(claim.Spec.Selector)
		if err != nil || !sel.Matches(labels.Set(pv.Labels)) {
			return false
		}
	}
	return true
}

func mode(m *corev1.PersistentVolumeMode) corev1.PersistentVolumeMode {
	if m == nil {
		return corev1.PersistentVolumeFilesystem
	}
	return *m
}

func claimKey(c *corev1.PersistentVolumeClaim) string { return c.Namespace + "/" + c.Name }

func (pl *VolumeBinding) assumedNode(c *corev1.PersistentVolumeClaim) string {
	pl.mu.Lock()
	defer pl.mu.Unlock()
	return pl.assumed[claimKey(c)]
}
