package persistentvolume

import (
	"errors"
	"fmt"
	"slices"
	"strconv"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/labels"
)

// Reasons a volume cannot serve a claim; the messages are the ones users
// see in VolumeMismatch events.
var (
	errTooSmall         = errors.New("requested PV is too small")
	errClassMismatch    = errors.New("storageClassName does not match")
	errAccessMode       = errors.New("incompatible accessMode")
	errVolumeMode       = errors.New("incompatible volumeMode")
	errNodeAffinity     = errors.New("volume node affinity does not match the selected node")
	errVolumeTerminated = errors.New("volume is being deleted")
)

// Satisfies reports why pv cannot serve claim, or nil when it can: same
// class, enough capacity, every requested access mode, the same volume
// mode, and (when node is not nil) node affinity matching node.
func Satisfies(pv *corev1.PersistentVolume, claim *corev1.PersistentVolumeClaim, node *corev1.Node) error {
	if pv.DeletionTimestamp != nil {
		return errVolumeTerminated
	}
	if VolumeClass(pv) != ClaimClass(claim) {
		return errClassMismatch
	}
	want := claim.Spec.Resources.Requests[corev1.ResourceStorage]
	have := pv.Spec.Capacity[corev1.ResourceStorage]
	if have.Cmp(want) < 0 {
		return errTooSmall
	}
	for _, m := range claim.Spec.AccessModes {
		if !slices.Contains(pv.Spec.AccessModes, m) {
			return errAccessMode
		}
	}
	if volumeMode(pv.Spec.VolumeMode) != volumeMode(claim.Spec.VolumeMode) {
		return errVolumeMode
	}
	if node != nil && pv.Spec.NodeAffinity != nil && pv.Spec.NodeAffinity.Required != nil &&
		!MatchesNodeSelector(pv.Spec.NodeAffinity.Required, node) {
		return errNodeAffinity
	}
	return nil
}

func volumeMode(m *corev1.PersistentVolumeMode) corev1.PersistentVolumeMode {
	if m == nil {
		return corev1.PersistentVolumeFilesystem
	}
	return *m
}

// FindBestVolume picks the volume claim should bind to among volumes: a
// volume pre-bound to the claim when one satisfies it, else the smallest
// unclaimed volume that satisfies it and matches the claim's selector; nil
// when there is none. node, when not nil, is the selected node volume node
// affinity must match. It never modifies its arguments.
func FindBestVolume(claim *corev1.PersistentVolumeClaim, volumes []*corev1.PersistentVolume, node *corev1.Node) (*corev1.PersistentVolume, error) {
	selector := labels.Everything()
	if claim.Spec.Selector != nil {
		s, err := metav1.LabelSelectorAsSelector(claim.Spec.Selector)
		if err != nil {
			return nil, fmt.Errorf("claim %s/%s selector: %w", claim.Namespace, claim.Name, err)
		}
		selector = s
	}
	var best *corev1.PersistentVolume
	for _, pv := range volumes {
		ref := pv.Spec.ClaimRef
		if ref != nil && !RefersTo(ref, claim) {
			continue
		}
		if Satisfies(pv, claim, node) != nil {
			continue
		}
		if ref != nil {
			return pv, nil // pre-bound to this claim: it wins.
		}
		if pv.Status.Phase == corev1.VolumeReleased || pv.Status.Phase == corev1.VolumeFailed {
			continue
		}
		if !selector.Matches(labels.Set(pv.Labels)) {
			continue
		}
		if best == nil || smaller(pv, best) {
			best = pv
		}
	}
	return best, nil
}

// smaller orders candidate volumes by capacity, then name for determinism.
func smaller(a, b *corev1.PersistentVolume) bool {
	qa, qb := a.Spec.Capacity[corev1.ResourceStorage], b.Spec.Capacity[corev1.ResourceStorage]
	if c := qa.Cmp(qb); c != 0 {
		return c < 0
	}
	return a.Name < b.Name
}

// MatchesNodeSelector reports whether node satisfies ns: any term matches
// when all of its requirements do; a selector without terms matches nothing.
func MatchesNodeSelector(ns *corev1.NodeSelector, node *corev1.Node) bool {
	for _, term := range ns.NodeSelectorTerms {
		if len(term.MatchExpressions) == 0 && len(term.MatchFields) == 0 {
			continue
		}
		ok := true
		for _, r := range term.MatchExpressions {
			v, has := node.Labels[r.Key]
			if !matchRequirement(r, v, has) {
				ok = false
				break
			}
		}
		for _, r := range term.MatchFields {
			if !ok {
				break
			}
			ok = r.Key == "metadata.name" && matchRequirement(r, node.Name, true)
		}
		if ok {
			return true
		}
	}
	return false
}

func matchRequirement(r corev1.NodeSelectorRequirement, v string, has bool) bool {
	switch r.Operator {
	case corev1.NodeSelectorOpIn:
		return has && slices.Contains(r.Values, v)
	case corev1.NodeSelectorOpNotIn:
		return !has || !slices.Contains(r.Values, v)
	case corev1.NodeSelectorOpExists:
		return has
	case corev1.NodeSelectorOpDoesNotExist:
		return !has
	case corev1.NodeSelectorOpGt, corev1.NodeSelectorOpLt:
		if !has || len(r.Values) != 1 {
			return false
		}
		got, err1 := strconv.ParseInt(v, 10, 64)
		lim, err2 := strconv.ParseInt(r.Values[0], 10, 64)
		if err1 != nil || err2 != nil {
			return false
		}
		if r.Operator == corev1.NodeSelectorOpGt {
			return got > lim
		}
		return got < lim
	}
	return false
}
