package volumebinding

import (
	"context"
	"slices"

	corev1 "keel.dev/api/core/v1"
	storagev1 "keel.dev/api/storage/v1"
	"keel.dev/keel/pkg/scheduler/framework"
)

// Filter checks the pod's bound volumes against the node and that each
// unbound WaitForFirstConsumer claim can get a volume there.
func (pl *VolumeBinding) Filter(_ context.Context, cs *framework.CycleState, _ *corev1.Pod, ni *framework.NodeInfo) *framework.Status {
	s, err := readState(cs)
	if err != nil {
		return framework.AsStatus(err)
	}
	node := ni.Node()
	nodeConflict := false
	for _, b := range s.bound {
		if b.pv == nil {
			return framework.NewStatus(framework.UnschedulableAndUnresolvable, ErrReasonPVNotExist)
		}
		if !affinityMatches(b.affinity, node) {
			nodeConflict = true
		}
	}
	var reasons []string
	if nodeConflict {
		reasons = append(reasons, ErrReasonNodeConflict)
	}
	if !delayedSatisfied(s.delayed, node) {
		reasons = append(reasons, ErrReasonBindConflict)
	}
	if len(reasons) > 0 {
		return framework.NewStatus(framework.UnschedulableAndUnresolvable, reasons...)
	}
	return nil
}

// delayedSatisfied reports whether every claim can be bound on node: to an
// Available matching volume reachable from it (each volume used once), or
// by provisioning where the class allows it.
func delayedSatisfied(claims []delayedClaim, node *corev1.Node) bool {
	var taken []string
	for i := range claims {
		dc := &claims[i]
		if dc.node != "" && dc.node != node.Name {
			return false
		}
		found := false
		for _, c := range dc.candidates {
			if !slices.Contains(taken, c.pv.Name) && affinityMatches(c.affinity, node) {
				taken = append(taken, c.pv.Name)
				found = true
				break
			}
		}
		if !found && !canProvision(dc.class, node) {
			return false
		}
	}
	return true
}

// canProvision reports whether class provisions volumes and allows node's topology.
func canProvision(class *storagev1.StorageClass, node *corev1.Node) bool {
	if class.Provisioner == "" || class.Provisioner == noProvisioner {
		return false
	}
	if len(class.AllowedTopologies) == 0 {
		return true
	}
	for _, term := range class.AllowedTopologies {
		if termMatches(term, node.Labels) {
			return true
		}
	}
	return false
}

func termMatches(term corev1.TopologySelectorTerm, nodeLabels map[string]string) bool {
	for _, req := range term.MatchLabelExpressions {
		v, ok := nodeLabels[req.Key]
		if !ok || !slices.Contains(req.Values, v) {
			return false
		}
	}
	return true
}
