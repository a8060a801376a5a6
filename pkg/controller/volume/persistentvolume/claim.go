package persistentvolume

import (
	"context"
	"fmt"
	"slices"
	"strings"

	corev1 "keel.dev/api/core/v1"
	storagev1 "keel.dev/api/storage/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
)

// Event reasons and messages users see on claims, as in Kubernetes.
const (
	reasonFailedBinding        = "FailedBinding"
	reasonWaitForConsumer      = "WaitForFirstConsumer"
	reasonExternalProvisioning = "ExternalProvisioning"
	reasonProvisioningFailed   = "ProvisioningFailed"
	reasonVolumeMismatch       = "VolumeMismatch"
	reasonClaimLost            = "ClaimLost"
	reasonClaimMisbound        = "ClaimMisbound"

	msgNoVolumeNoClass  = "no persistent volumes available for this claim and no storage class is set"
	msgWaitForConsumer  = "waiting for first consumer to be created before binding"
	msgExternalProvider = "Waiting for a volume to be created either by the external provisioner '%s' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered."
	msgClaimLost        = "Bound claim has lost reference to PersistentVolume. Data on the volume is lost!"
	msgClaimMisbound    = "Two claims are bound to the same volume, this one is bound incorrectly"
)

// syncClaim converges one claim, keyed namespace/name.
func (c *Controller) syncClaim(ctx context.Context, key string) error {
	ns, name, _ := strings.Cut(key, "/")
	claim, err := c.claims.Namespace(ns).Get(name)
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("get claim %s: %w", key, err)
	}
	if claim.DeletionTimestamp != nil {
		return nil
	}
	if claim.Annotations[AnnBindCompleted] == "" {
		return c.syncUnboundClaim(ctx, claim)
	}
	return c.syncBoundClaim(ctx, claim)
}

// syncUnboundClaim binds, waits for a consumer, or asks for provisioning.
func (c *Controller) syncUnboundClaim(ctx context.Context, claim *corev1.PersistentVolumeClaim) error {
	if claim.Spec.VolumeName != "" {
		return c.syncPreboundClaim(ctx, claim)
	}
	if claim.Spec.StorageClassName == nil && claim.Annotations[corev1.BetaStorageClassAnnotation] == "" {
		// Retroactive default class: a claim created without a class
		// gets the default one once it exists.
		classes, _ := c.classes.List(nil)
		if def := DefaultClass(classes); def != nil {
			upd := claim.DeepCopy()
			upd.Spec.StorageClassName = &def.Name
			if _, err := c.client.CoreV1().PersistentVolumeClaims(claim.Namespace).Update(ctx, upd, metav1.UpdateOptions{}); err != nil {
				return fmt.Errorf("assign default class %q to claim %s: %w", def.Name, claimKey(claim), err)
			}
			return nil // the update event syncs the claim again.
		}
	}
	className := ClaimClass(claim)
	var class *storagev1.StorageClass
	if className != "" {
		sc, err := c.classes.Get("", className)
		if err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("get class %q: %w", className, err)
		}
		if err == nil {
			class = sc
		}
	}
	selectedNode := claim.Annotations[AnnSelectedNode]
	if WaitsForConsumer(class) && selectedNode == "" {
		c.recorder.Event(claim, corev1.EventTypeNormal, reasonWaitForConsumer, msgWaitForConsumer)
		return c.setClaimPending(ctx, claim)
	}
	var node *corev1.Node
	if selectedNode != "" {
		if n, err := c.nodes.Get("", selectedNode); err == nil {
			node = n
		}
	}
	volumes, _ := c.volumes.List(nil)
	pv, err := FindBestVolume(claim, volumes, node)
	if err != nil {
		return err
	}
	if pv != nil {
		return c.bind(ctx, claim, pv)
	}
	switch {
	case className == "":
		c.recorder.Event(claim, corev1.EventTypeNormal, reasonFailedBinding, msgNoVolumeNoClass)
	case class == nil:
		c.recorder.Eventf(claim, corev1.EventTypeWarning, reasonProvisioningFailed, "storageclass.storage.k8s.io %q not found", className)
	case claim.Spec.Selector != nil:
		c.recorder.Event(claim, corev1.EventTypeWarning, reasonProvisioningFailed, "claim Selector is not supported")
	default:
		if err := c.askProvisioner(ctx, claim, class); err != nil {
			return err
		}
	}
	return c.setClaimPending(ctx, claim)
}

// askProvisioner annotates claim with the class's provisioner, which the
// provisioner waits for, and tells the user who it is waiting on.
func (c *Controller) askProvisioner(ctx context.Context, claim *corev1.PersistentVolumeClaim, class *storagev1.StorageClass) error {
	if claim.Annotations[AnnStorageProvisioner] != class.Provisioner || claim.Annotations[AnnBetaStorageProvisioner] != class.Provisioner {
		upd := claim.DeepCopy()
		metav1.SetMetaDataAnnotation(&upd.ObjectMeta, AnnStorageProvisioner, class.Provisioner)
		metav1.SetMetaDataAnnotation(&upd.ObjectMeta, AnnBetaStorageProvisioner, class.Provisioner)
		if _, err := c.client.CoreV1().PersistentVolumeClaims(claim.Namespace).Update(ctx, upd, metav1.UpdateOptions{}); err != nil {
			return fmt.Errorf("annotate claim %s for provisioner %q: %w", claimKey(claim), class.Provisioner, err)
		}
	}
	c.recorder.Eventf(claim, corev1.EventTypeNormal, reasonExternalProvisioning, msgExternalProvider, class.Provisioner)
	return nil
}

// syncPreboundClaim binds a claim whose author named its volume.
func (c *Controller) syncPreboundClaim(ctx context.Context, claim *corev1.PersistentVolumeClaim) error {
	pv, err := c.volumes.Get("", claim.Spec.VolumeName)
	if apierrors.IsNotFound(err) {
		return c.setClaimPending(ctx, claim) // the volume may be created later.
	}
	if err != nil {
		return fmt.Errorf("get volume %q: %w", claim.Spec.VolumeName, err)
	}
	switch ref := pv.Spec.ClaimRef; {
	case ref == nil:
		if err := Satisfies(pv, claim, nil); err != nil {
			c.recorder.Eventf(claim, corev1.EventTypeWarning, reasonVolumeMismatch, "Cannot bind to requested volume %q: %s", pv.Name, err)
			return c.setClaimPending(ctx, claim)
		}
		return c.bind(ctx, claim, pv)
	case RefersTo(ref, claim):
		return c.bind(ctx, claim, pv)
	default:
		c.recorder.Eventf(claim, corev1.EventTypeWarning, reasonFailedBinding, "volume %q already bound to a different claim.", pv.Name)
		return c.setClaimPending(ctx, claim)
	}
}

// syncBoundClaim checks a bound claim still has its volume.
func (c *Controller) syncBoundClaim(ctx context.Context, claim *corev1.PersistentVolumeClaim) error {
	if claim.Spec.VolumeName == "" {
		return c.loseClaim(ctx, claim, reasonClaimLost, msgClaimLost)
	}
	pv, err := c.volumes.Get("", claim.Spec.VolumeName)
	if apierrors.IsNotFound(err) {
		return c.loseClaim(ctx, claim, reasonClaimLost, msgClaimLost)
	}
	if err != nil {
		return fmt.Errorf("get volume %q: %w", claim.Spec.VolumeName, err)
	}
	if ref := pv.Spec.ClaimRef; ref == nil || ref.UID == claim.UID || RefersTo(ref, claim) {
		return c.bind(ctx, claim, pv) // repairs whichever half is missing.
	}
	return c.loseClaim(ctx, claim, reasonClaimMisbound, msgClaimMisbound)
}

// bind writes both halves of the binding; each write happens only when
// something differs, so a repeated bind is free.
func (c *Controller) bind(ctx context.Context, claim *corev1.PersistentVolumeClaim, pv *corev1.PersistentVolume) error {
	pv, err := c.bindVolume(ctx, pv, claim)
	if err != nil {
		return err
	}
	return c.bindClaim(ctx, claim, pv)
}

func (c *Controller) bindVolume(ctx context.Context, pv *corev1.PersistentVolume, claim *corev1.PersistentVolumeClaim) (*corev1.PersistentVolume, error) {
	ref := pv.Spec.ClaimRef
	if ref == nil || ref.UID != claim.UID || ref.Namespace != claim.Namespace || ref.Name != claim.Name {
		upd := pv.DeepCopy()
		if ref == nil {
			metav1.SetMetaDataAnnotation(&upd.ObjectMeta, AnnBoundByController, annYes)
		}
		upd.Spec.ClaimRef = ClaimReference(claim)
		out, err := c.client.CoreV1().PersistentVolumes().Update(ctx, upd, metav1.UpdateOptions{})
		if err != nil {
			return nil, fmt.Errorf("bind volume %q to claim %s: %w", pv.Name, claimKey(claim), err)
		}
		pv = out
	}
	return c.setVolumePhase(ctx, pv, corev1.VolumeBound, "")
}

func (c *Controller) bindClaim(ctx context.Context, claim *corev1.PersistentVolumeClaim, pv *corev1.PersistentVolume) (err error) {
	if claim.Spec.VolumeName != pv.Name || claim.Annotations[AnnBindCompleted] != annYes {
		upd := claim.DeepCopy()
		if upd.Spec.VolumeName != pv.Name {
			upd.Spec.VolumeName = pv.Name
			metav1.SetMetaDataAnnotation(&upd.ObjectMeta, AnnBoundByController, annYes)
		}
		metav1.SetMetaDataAnnotation(&upd.ObjectMeta, AnnBindCompleted, annYes)
		claim, err = c.client.CoreV1().PersistentVolumeClaims(claim.Namespace).Update(ctx, upd, metav1.UpdateOptions{})
		if err != nil {
			return fmt.Errorf("bind claim %s to volume %q: %w", claimKey(upd), pv.Name, err)
		}
	}
	st := claim.Status
	have, ok := st.Capacity[corev1.ResourceStorage]
	want := pv.Spec.Capacity[corev1.ResourceStorage]
	if st.Phase == corev1.ClaimBound && slices.Equal(st.AccessModes, pv.Spec.AccessModes) && ok && have.Cmp(want) == 0 {
		return nil
	}
	upd := claim.DeepCopy()
	upd.Status.Phase = corev1.ClaimBound
	upd.Status.AccessModes = append([]corev1.PersistentVolumeAccessMode(nil), pv.Spec.AccessModes...)
	upd.Status.Capacity = corev1.ResourceList{}
	for k, v := range pv.Spec.Capacity {
		upd.Status.Capacity[k] = v.DeepCopy()
	}
	if _, err := c.client.CoreV1().PersistentVolumeClaims(claim.Namespace).UpdateStatus(ctx, upd, metav1.UpdateOptions{}); err != nil {
		return fmt.Errorf("update status of claim %s: %w", claimKey(claim), err)
	}
	return nil
}

// setClaimPending makes sure an unbound claim reports Pending.
func (c *Controller) setClaimPending(ctx context.Context, claim *corev1.PersistentVolumeClaim) error {
	if claim.Status.Phase == corev1.ClaimPending {
		return nil
	}
	upd := claim.DeepCopy()
	upd.Status.Phase = corev1.ClaimPending
	if _, err := c.client.CoreV1().PersistentVolumeClaims(claim.Namespace).UpdateStatus(ctx, upd, metav1.UpdateOptions{}); err != nil {
		return fmt.Errorf("update status of claim %s: %w", claimKey(claim), err)
	}
	return nil
}

// loseClaim marks a bound claim whose volume is gone or taken as Lost.
func (c *Controller) loseClaim(ctx context.Context, claim *corev1.PersistentVolumeClaim, reason, msg string) error {
	if claim.Status.Phase == corev1.ClaimLost {
		return nil
	}
	upd := claim.DeepCopy()
	upd.Status.Phase = corev1.ClaimLost
	if _, err := c.client.CoreV1().PersistentVolumeClaims(claim.Namespace).UpdateStatus(ctx, upd, metav1.UpdateOptions{}); err != nil {
		return fmt.Errorf("update status of claim %s: %w", claimKey(claim), err)
	}
	c.recorder.Event(claim, corev1.EventTypeWarning, reason, msg)
	return nil
}
