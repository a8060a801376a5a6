package persistentvolume

import (
	"context"
	"fmt"

	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
)

// Event reasons users see on volumes, as in Kubernetes.
const (
	reasonVolumeFailedDelete  = "VolumeFailedDelete"
	reasonVolumeFailedRecycle = "VolumeFailedRecycle"
)

// syncVolume converges one volume, keyed by name.
func (c *Controller) syncVolume(ctx context.Context, name string) error {
	pv, err := c.volumes.Get("", name)
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("get volume %q: %w", name, err)
	}
	if pv.DeletionTimestamp != nil {
		return nil
	}
	ref := pv.Spec.ClaimRef
	if ref == nil {
		_, err := c.setVolumePhase(ctx, pv, corev1.VolumeAvailable, "")
		return err
	}
	if ref.UID == "" {
		// Pre-bound by name to a claim the binder has not bound yet.
		c.claimQueue.Add(ref.Namespace + "/" + ref.Name)
		_, err := c.setVolumePhase(ctx, pv, corev1.VolumeAvailable, "")
		return err
	}
	claim, err := c.liveClaim(ctx, ref.Namespace, ref.Name)
	if err != nil {
		return err
	}
	if claim != nil && claim.UID != ref.UID {
		claim = nil // a new claim reuses the name; ours is gone.
	}
	switch {
	case claim == nil:
		return c.release(ctx, pv)
	case claim.Spec.VolumeName == "":
		// The claim sync finishes the binding (provisioned or pre-bound volume).
		c.claimQueue.Add(claimKey(claim))
		if pv.Status.Phase == corev1.VolumePending || pv.Status.Phase == "" {
			_, err := c.setVolumePhase(ctx, pv, corev1.VolumeAvailable, "")
			return err
		}
		return nil
	case claim.Spec.VolumeName == pv.Name:
		_, err := c.setVolumePhase(ctx, pv, corev1.VolumeBound, "")
		return err
	default:
		return c.unbindVolume(ctx, pv)
	}
}

// liveClaim reads the claim from the cache and, when the cache lacks it,
// from the apiserver, so a lagging cache never releases a volume; nil means
// the claim does not exist.
func (c *Controller) liveClaim(ctx context.Context, ns, name string) (*corev1.PersistentVolumeClaim, error) {
	claim, err := c.claims.Namespace(ns).Get(name)
	if err == nil {
		return claim, nil
	}
	if !apierrors.IsNotFound(err) {
		return nil, fmt.Errorf("get claim %s/%s: %w", ns, name, err)
	}
	claim, err = c.client.CoreV1().PersistentVolumeClaims(ns).Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("get claim %s/%s: %w", ns, name, err)
	}
	return claim, nil
}

// release marks a volume whose claim is gone Released and applies its
// reclaim policy: Retain keeps it; Delete is the job of the provisioner
// that created it; a volume nobody provisioned cannot be deleted or
// recycled here and fails, as Kubernetes reports for volumes without a
// deleter.
func (c *Controller) release(ctx context.Context, pv *corev1.PersistentVolume) error {
	if pv.Status.Phase == corev1.VolumeFailed {
		return nil
	}
	pv, err := c.setVolumePhase(ctx, pv, corev1.VolumeReleased, "")
	if err != nil {
		return err
	}
	switch pv.Spec.PersistentVolumeReclaimPolicy {
	case corev1.PersistentVolumeReclaimDelete:
		if pv.Annotations[AnnProvisionedBy] != "" {
			return nil // the provisioner deletes the storage and the volume.
		}
		msg := fmt.Sprintf("error getting deleter volume plugin for volume %q: no deletable volume plugin matched", pv.Name)
		c.recorder.Event(pv, corev1.EventTypeWarning, reasonVolumeFailedDelete, msg)
		_, err := c.setVolumePhase(ctx, pv, corev1.VolumeFailed, msg)
		return err
	case corev1.PersistentVolumeReclaimRecycle:
		msg := "No recycler plugin found for the volume!"
		c.recorder.Event(pv, corev1.EventTypeWarning, reasonVolumeFailedRecycle, msg)
		_, err := c.setVolumePhase(ctx, pv, corev1.VolumeFailed, msg)
		return err
	}
	return nil
}

// unbindVolume frees a volume whose claim is bound elsewhere: the binder's
// own claimRef is removed; a user's pre-binding keeps the claim name.
func (c *Controller) unbindVolume(ctx context.Context, pv *corev1.PersistentVolume) error {
	upd := pv.DeepCopy()
	if upd.Annotations[AnnBoundByController] != "" {
		upd.Spec.ClaimRef = nil
		delete(upd.Annotations, AnnBoundByController)
	} else {
		upd.Spec.ClaimRef.UID = ""
		upd.Spec.ClaimRef.ResourceVersion = ""
	}
	out, err := c.client.CoreV1().PersistentVolumes().Update(ctx, upd, metav1.UpdateOptions{})
	if err != nil {
		return fmt.Errorf("unbind volume %q: %w", pv.Name, err)
	}
	_, err = c.setVolumePhase(ctx, out, corev1.VolumeAvailable, "")
	return err
}

// setVolumePhase writes the volume's phase (and message) when it differs.
func (c *Controller) setVolumePhase(ctx context.Context, pv *corev1.PersistentVolume, phase corev1.PersistentVolumePhase, msg string) (*corev1.PersistentVolume, error) {
	if pv.Status.Phase == phase && pv.Status.Message == msg {
		return pv, nil
	}
	upd := pv.DeepCopy()
	if upd.Status.Phase != phase {
		now := metav1.NewTime(c.clock.Now())
		upd.Status.LastPhaseTransitionTime = &now
	}
	upd.Status.Phase, upd.Status.Message = phase, msg
	out, err := c.client.CoreV1().PersistentVolumes().UpdateStatus(ctx, upd, metav1.UpdateOptions{})
	if err != nil {
		return nil, fmt.Errorf("set phase of volume %q to %s: %w", pv.Name, phase, err)
	}
	return out, nil
}
