package noderestriction

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	authenticationv1 "keel.dev/api/authentication/v1"
	corev1 "keel.dev/api/core/v1"
	policyv1 "keel.dev/api/policy/v1"
	storagev1 "keel.dev/api/storage/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"

	"keel.dev/keel/pkg/apiserver/admission"
	"keel.dev/keel/pkg/apiserver/authn"
)

// podStatus lets a node update the status of pods bound to it, without
// relabeling them or changing their resource claim statuses.
func podStatus(node string, a *admission.Attributes) error {
	if a.Operation != admission.Update {
		return fmt.Errorf("unexpected operation %q", a.Operation)
	}
	old, ok := a.OldObject.(*corev1.Pod)
	if !ok {
		return fmt.Errorf("unexpected type %T", a.OldObject)
	}
	if old.Spec.NodeName != node {
		return fmt.Errorf("node %q can only update pod status for pods with spec.nodeName set to itself", node)
	}
	now, ok := a.Object.(*corev1.Pod)
	if !ok {
		return fmt.Errorf("unexpected type %T", a.Object)
	}
	// An empty label map equals no label map.
	if !maps.Equal(old.Labels, now.Labels) {
		return fmt.Errorf("node %q cannot update labels through pod status", node)
	}
	if !claimStatusesEqual(old.Status.ResourceClaimStatuses, now.Status.ResourceClaimStatuses) {
		// Kubernetes' wording, typo included.
		return fmt.Errorf("node %q cannot update resource claim statues", node)
	}
	return nil
}

// claimStatusesEqual compares claim statuses by name and claim name, in
// order.
func claimStatusesEqual(a, b []corev1.PodResourceClaimStatus) bool {
	return slices.EqualFunc(a, b, func(x, y corev1.PodResourceClaimStatus) bool {
		if x.Name != y.Name || (x.ResourceClaimName == nil) != (y.ResourceClaimName == nil) {
			return false
		}
		return x.ResourceClaimName == nil || *x.ResourceClaimName == *y.ResourceClaimName
	})
}

// podEviction lets a node evict only pods bound to it.
func (p *Plugin) podEviction(ctx context.Context, node string, a *admission.Attributes) error {
	if a.Operation != admission.Create {
		return fmt.Errorf("unexpected operation %s", a.Operation)
	}
	ev, ok := a.Object.(*policyv1.Eviction)
	if !ok {
		return fmt.Errorf("unexpected type %T", a.Object)
	}
	name := a.Name
	if name == "" {
		name = ev.Name
	}
	if name == "" {
		return errors.New("could not determine pod from request data")
	}
	pod, err := p.getPod(ctx, a.Namespace, name)
	if err != nil {
		return err
	}
	if pod.Spec.NodeName != node {
		return fmt.Errorf("node %s can only evict pods with spec.nodeName set to itself", node)
	}
	return nil
}

// getPod reads one pod: a 404 when it does not exist.
func (p *Plugin) getPod(ctx context.Context, namespace, name string) (*corev1.Pod, error) {
	obj, found, err := p.pods.Get(ctx, namespace, name)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, apierrors.NewNotFound(podsGR, name)
	}
	pod, ok := obj.(*corev1.Pod)
	if !ok {
		return nil, fmt.Errorf("unexpected type %T", obj)
	}
	return pod, nil
}

// serviceAccount lets a node request tokens only bound to an existing pod
// of its own, and only for an audience that pod uses.
func (p *Plugin) serviceAccount(ctx context.Context, node string, a *admission.Attributes) error {
	if a.Operation != admission.Create || a.Subresource != "token" {
		return nil
	}
	tr, ok := a.Object.(*authenticationv1.TokenRequest)
	if !ok {
		return fmt.Errorf("unexpected type %T", a.Object)
	}
	ref := tr.Spec.BoundObjectRef
	if ref == nil || ref.APIVersion != "v1" || ref.Kind != "Pod" || ref.Name == "" {
		return errors.New("node requested token not bound to a pod")
	}
	if ref.UID == "" {
		return errors.New("node requested token with a pod binding without a uid")
	}
	pod, err := p.getPod(ctx, a.Namespace, ref.Name)
	if err != nil {
		return err
	}
	if ref.UID != pod.UID {
		return fmt.Errorf("the UID in the bound object reference (%s) does not match the UID in record. The object might have been deleted and then recreated", ref.UID)
	}
	if pod.Spec.NodeName != node {
		return errors.New("node requested token bound to a pod scheduled on a different node")
	}
	return p.audience(ctx, tr, pod)
}

// audience enforces Kubernetes' node audience restriction (on by default
// since 1.33): a node asks for at most one audience ("" is the
// apiserver's), and only one the pod uses through a projected service
// account token or a CSI driver that requests tokens for it.
func (p *Plugin) audience(ctx context.Context, tr *authenticationv1.TokenRequest, pod *corev1.Pod) error {
	var aud string
	switch len(tr.Spec.Audiences) {
	case 0:
	case 1:
		aud = tr.Spec.Audiences[0]
	default:
		return errors.New("node may only request 0 or 1 audiences")
	}
	if p.podUsesAudience(ctx, pod, aud) {
		return nil
	}
	u, _ := authn.UserFrom(ctx)
	return fmt.Errorf("audience %q not found in pod spec volume, %s is not authorized to request tokens for this audience", aud, u.Name)
}

// podUsesAudience reports whether a volume of pod is a projected token of
// aud, or is served by a CSI driver (inline, or through a claim and its
// volume) that requests tokens of aud.
func (p *Plugin) podUsesAudience(ctx context.Context, pod *corev1.Pod, aud string) bool {
	var drivers []string
	for _, v := range pod.Spec.Volumes {
		switch {
		case v.Projected != nil:
			for _, s := range v.Projected.Sources {
				if s.ServiceAccountToken != nil && s.ServiceAccountToken.Audience == aud {
					return true
				}
			}
		case v.CSI != nil:
			drivers = append(drivers, v.CSI.Driver)
		case v.PersistentVolumeClaim != nil:
			drivers = append(drivers, p.claimDriver(ctx, pod.Namespace, v.PersistentVolumeClaim.ClaimName))
		case v.Ephemeral != nil:
			drivers = append(drivers, p.claimDriver(ctx, pod.Namespace, pod.Name+"-"+v.Name))
		}
	}
	for _, d := range drivers {
		if d != "" && p.driverRequests(ctx, d, aud) {
			return true
		}
	}
	return false
}

// claimDriver returns the CSI driver of the volume bound to a claim, ""
// when there is none.
func (p *Plugin) claimDriver(ctx context.Context, namespace, claim string) string {
	if p.claims == nil || p.volumes == nil {
		return ""
	}
	obj, found, err := p.claims.Get(ctx, namespace, claim)
	if err != nil || !found {
		return ""
	}
	pvc, ok := obj.(*corev1.PersistentVolumeClaim)
	if !ok || pvc.Spec.VolumeName == "" {
		return ""
	}
	obj, found, err = p.volumes.Get(ctx, "", pvc.Spec.VolumeName)
	if err != nil || !found {
		return ""
	}
	pv, ok := obj.(*corev1.PersistentVolume)
	if !ok || pv.Spec.CSI == nil {
		return ""
	}
	return pv.Spec.CSI.Driver
}

// driverRequests reports whether the CSIDriver named driver asks the
// kubelet for tokens of aud.
func (p *Plugin) driverRequests(ctx context.Context, driver, aud string) bool {
	if p.drivers == nil {
		return false
	}
	obj, found, err := p.drivers.Get(ctx, "", driver)
	if err != nil || !found {
		return false
	}
	d, ok := obj.(*storagev1.CSIDriver)
	if !ok {
		return false
	}
	return slices.ContainsFunc(d.Spec.TokenRequests, func(r storagev1.TokenRequest) bool { return r.Audience == aud })
}
