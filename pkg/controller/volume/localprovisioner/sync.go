package localprovisioner

import (
	"context"
	"fmt"
	"os"
	"strings"

	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"

	pvc "keel.dev/keel/pkg/controller/volume/persistentvolume"
)

// Event reasons, as external provisioners report them.
const (
	reasonProvisioning          = "Provisioning"
	reasonProvisioningSucceeded = "ProvisioningSucceeded"
	reasonProvisioningFailed    = "ProvisioningFailed"
	reasonVolumeFailedDelete    = "VolumeFailedDelete"
)

// syncClaim provisions a volume for one claim, keyed namespace/name, when
// the binder asked this provisioner for it.
func (c *Controller) syncClaim(ctx context.Context, key string) error {
	ns, name, _ := strings.Cut(key, "/")
	claim, err := c.claims.Namespace(ns).Get(name)
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("get claim %s: %w", key, err)
	}
	if claim.DeletionTimestamp != nil || claim.Spec.VolumeName != "" || claim.Annotations[pvc.AnnBindCompleted] != "" {
		return nil
	}
	if claim.Annotations[pvc.AnnStorageProvisioner] != ProvisionerName && claim.Annotations[pvc.AnnBetaStorageProvisioner] != ProvisionerName {
		return nil
	}
	className := pvc.ClaimClass(claim)
	class, err := c.classes.Get("", className)
	if apierrors.IsNotFound(err) {
		return nil // the binder reports the missing class.
	}
	if err != nil {
		return fmt.Errorf("get class %q: %w", className, err)
	}
	if class.Provisioner != ProvisionerName {
		return nil
	}
	pvName := "pvc-" + string(claim.UID)
	if _, err := c.volumes.Get("", pvName); err == nil {
		return nil // already provisioned; the binder binds it.
	}
	if claim.Spec.Selector != nil {
		c.recorder.Event(claim, corev1.EventTypeWarning, reasonProvisioningFailed, "claim Selector is not supported")
		return nil
	}
	node, err := c.nodeFor(claim, pvc.WaitsForConsumer(class))
	if err != nil {
		c.recorder.Event(claim, corev1.EventTypeWarning, reasonProvisioningFailed, err.Error())
		return nil // a node or the selected-node annotation brings the claim back.
	}
	if node == nil {
		return nil
	}
	c.recorder.Eventf(claim, corev1.EventTypeNormal, reasonProvisioning, "External provisioner is provisioning volume for claim %q", key)
	pv := c.volumeFor(claim, class.ReclaimPolicy, class.MountOptions, node, pvName)
	if c.rootIsLocal() {
		// One-machine cluster: create the directory now, writable by any
		// container user, as the kubelet's DirectoryOrCreate would.
		if err := os.MkdirAll(pv.Spec.HostPath.Path, 0o777); err != nil {
			return fmt.Errorf("create volume directory %s: %w", pv.Spec.HostPath.Path, err)
		}
		if err := os.Chmod(pv.Spec.HostPath.Path, 0o777); err != nil {
			return fmt.Errorf("open up volume directory %s: %w", pv.Spec.HostPath.Path, err)
		}
	}
	if _, err := c.client.CoreV1().PersistentVolumes().Create(ctx, pv, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		c.recorder.Eventf(claim, corev1.EventTypeWarning, reasonProvisioningFailed, "failed to provision volume: %v", err)
		return fmt.Errorf("create volume %q for claim %s: %w", pvName, key, err)
	}
	c.recorder.Eventf(claim, corev1.EventTypeNormal, reasonProvisioningSucceeded, "Successfully provisioned volume %s", pvName)
	return nil
}

// nodeFor returns the node the claim's volume goes to: the selected node,
// or, for Immediate classes, the cluster's only node. A nil node and nil
// error means "not yet" (a WaitForFirstConsumer claim without a node).
func (c *Controller) nodeFor(claim *corev1.PersistentVolumeClaim, waits bool) (*corev1.Node, error) {
	if name := claim.Annotations[pvc.AnnSelectedNode]; name != "" {
		node, err := c.nodes.Get("", name)
		if err != nil {
			return nil, fmt.Errorf("selected node %q: %w", name, err)
		}
		return node, nil
	}
	if waits {
		return nil, nil
	}
	nodes, _ := c.nodes.List(nil)
	if len(nodes) != 1 {
		return nil, fmt.Errorf("cannot choose a node for the volume: the claim has no %s annotation and the cluster has %d nodes", pvc.AnnSelectedNode, len(nodes))
	}
	return nodes[0], nil
}

// volumeFor builds the hostPath volume pre-bound to claim on node.
func (c *Controller) volumeFor(claim *corev1.PersistentVolumeClaim, reclaim *corev1.PersistentVolumeReclaimPolicy, mountOptions []string, node *corev1.Node, pvName string) *corev1.PersistentVolume {
	policy := corev1.PersistentVolumeReclaimDelete
	if reclaim != nil {
		policy = *reclaim
	}
	hostname := node.Labels[hostnameLabel]
	key, op := hostnameLabel, corev1.NodeSelectorOpIn
	term := corev1.NodeSelectorTerm{MatchExpressions: []corev1.NodeSelectorRequirement{{Key: key, Operator: op, Values: []string{hostname}}}}
	if hostname == "" {
		term = corev1.NodeSelectorTerm{MatchFields: []corev1.NodeSelectorRequirement{{Key: "metadata.name", Operator: op, Values: []string{node.Name}}}}
	}
	dirOrCreate := corev1.HostPathDirectoryOrCreate
	pv := &corev1.PersistentVolume{
		ObjectMeta: metav1.ObjectMeta{Name: pvName, Annotations: map[string]string{pvc.AnnProvisionedBy: ProvisionerName}},
		Spec: corev1.PersistentVolumeSpec{
			Capacity: corev1.ResourceList{corev1.ResourceStorage: claim.Spec.Resources.Requests[corev1.ResourceStorage].DeepCopy()},
			PersistentVolumeSource: corev1.PersistentVolumeSource{HostPath: &corev1.HostPathVolumeSource{
				Path: VolumePath(c.root, claim.Namespace, claim.Name, pvName), Type: &dirOrCreate,
			}},
			AccessModes:                   append([]corev1.PersistentVolumeAccessMode(nil), claim.Spec.AccessModes...),
			ClaimRef:                      pvc.ClaimReference(claim),
			PersistentVolumeReclaimPolicy: policy,
			StorageClassName:              pvc.ClaimClass(claim),
			MountOptions:                  mountOptions,
			VolumeMode:                    claim.Spec.VolumeMode,
			NodeAffinity:                  &corev1.VolumeNodeAffinity{Required: &corev1.NodeSelector{NodeSelectorTerms: []corev1.NodeSelectorTerm{term}}},
		},
	}
	return pv
}

// syncVolume deletes a Released volume this provisioner made under the
// Delete policy: first its directory, then the object.
func (c *Controller) syncVolume(ctx context.Context, name string) error {
	pv, err := c.volumes.Get("", name)
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("get volume %q: %w", name, err)
	}
	if pv.Annotations[pvc.AnnProvisionedBy] != ProvisionerName || pv.DeletionTimestamp != nil ||
		pv.Status.Phase != corev1.VolumeReleased || pv.Spec.PersistentVolumeReclaimPolicy != corev1.PersistentVolumeReclaimDelete {
		return nil
	}
	dir, err := c.ownedPath(pv)
	if err != nil {
		return c.failDelete(ctx, pv, err.Error())
	}
	if !c.rootIsLocal() {
		return c.failDelete(ctx, pv, fmt.Sprintf("cannot remove %s: the local volume root %s is not on the controller-manager's machine; remove the directory on the node, then delete the volume", dir, c.root))
	}
	if err := os.RemoveAll(dir); err != nil {
		c.recorder.Eventf(pv, corev1.EventTypeWarning, reasonVolumeFailedDelete, "remove %s: %v", dir, err)
		return fmt.Errorf("remove directory of volume %q: %w", pv.Name, err)
	}
	uid := pv.UID
	err = c.client.CoreV1().PersistentVolumes().Delete(ctx, pv.Name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &uid}})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("delete volume %q: %w", pv.Name, err)
	}
	return nil
}

// failDelete marks a volume Failed when its storage cannot be removed here.
func (c *Controller) failDelete(ctx context.Context, pv *corev1.PersistentVolume, msg string) error {
	c.recorder.Event(pv, corev1.EventTypeWarning, reasonVolumeFailedDelete, msg)
	upd := pv.DeepCopy()
	now := metav1.Now()
	upd.Status.Phase, upd.Status.Message, upd.Status.LastPhaseTransitionTime = corev1.VolumeFailed, msg, &now
	if _, err := c.client.CoreV1().PersistentVolumes().UpdateStatus(ctx, upd, metav1.UpdateOptions{}); err != nil {
		return fmt.Errorf("mark volume %q failed: %w", pv.Name, err)
	}
	return nil
}
