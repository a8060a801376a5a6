package volumes

import (
	"fmt"
	"os"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
)

// ClaimGetter fetches the PersistentVolumeClaims of a pod's namespace and
// the PersistentVolumes they are bound to.
type ClaimGetter interface {
	GetPersistentVolumeClaim(namespace, name string) (*corev1.PersistentVolumeClaim, error)
	GetPersistentVolume(name string) (*corev1.PersistentVolume, error)
}

// claimVolume is a persistentVolumeClaim (or ephemeral) volume resolved to
// the node path of its PersistentVolume.
type claimVolume struct {
	pv       string
	path     string
	readOnly bool
}

// claimName returns the claim a volume uses and whether the volume is
// claim-backed; ephemeral volumes use the claim "<pod>-<volume>".
func claimName(pod *corev1.Pod, v *corev1.Volume) (name string, readOnly, ephemeral, ok bool) {
	switch {
	case v.PersistentVolumeClaim != nil:
		return v.PersistentVolumeClaim.ClaimName, v.PersistentVolumeClaim.ReadOnly, false, true
	case v.Ephemeral != nil:
		return pod.Name + "-" + v.Name, false, true, true
	}
	return "", false, false, false
}

func claimKey(pod *corev1.Pod, v *corev1.Volume) string { return string(pod.UID) + "/" + v.Name }

// claimPath returns the resolved node path of a claim volume set up before.
func (m *Manager) claimPath(pod *corev1.Pod, v *corev1.Volume) (claimVolume, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.claims[claimKey(pod, v)]
	return c, ok
}

// setUpClaim resolves the volume's claim to its bound PersistentVolume and
// prepares the volume's directory: a hostPath volume with the type checks
// (or creation) its type asks for, a local volume that must exist. It is
// done once per pod; the claim must be Bound and the volume must point
// back at it.
func (m *Manager) setUpClaim(pod *corev1.Pod, v *corev1.Volume) error {
	if _, done := m.claimPath(pod, v); done {
		return nil
	}
	name, readOnly, ephemeral, _ := claimName(pod, v)
	if m.Claims == nil {
		return fmt.Errorf("persistentVolumeClaim volumes need an API client")
	}
	pvc, err := m.Claims.GetPersistentVolumeClaim(pod.Namespace, name)
	if err != nil {
		return fmt.Errorf("failed to fetch PVC %s/%s from API server: %w", pod.Namespace, name, err)
	}
	if ephemeral && !metav1.IsControlledBy(pvc, pod) {
		return fmt.Errorf("PVC %s/%s was not created for pod %s/%s (pod is not owner)", pod.Namespace, name, pod.Namespace, pod.Name)
	}
	if pvc.DeletionTimestamp != nil {
		return fmt.Errorf("can't start pod because PVC %s/%s is being deleted", pod.Namespace, name)
	}
	if pvc.Status.Phase != corev1.ClaimBound || pvc.Spec.VolumeName == "" {
		return fmt.Errorf("PVC %s/%s has non-bound phase (%q) or empty pvc.Spec.VolumeName (%q)", pod.Namespace, name, pvc.Status.Phase, pvc.Spec.VolumeName)
	}
	pv, err := m.Claims.GetPersistentVolume(pvc.Spec.VolumeName)
	if err != nil {
		return fmt.Errorf("failed to fetch PV %s from API server: %w", pvc.Spec.VolumeName, err)
	}
	if pv.Spec.ClaimRef == nil {
		return fmt.Errorf("found PV object %s but it has a nil pv.Spec.ClaimRef indicating it is not yet bound to the claim", pv.Name)
	}
	if pv.Spec.ClaimRef.UID != pvc.UID {
		return fmt.Errorf("found PV object %s but its pv.Spec.ClaimRef.UID (%s) does not point to claim.UID (%s)", pv.Name, pv.Spec.ClaimRef.UID, pvc.UID)
	}
	if pv.Spec.VolumeMode != nil && *pv.Spec.VolumeMode == corev1.PersistentVolumeBlock {
		return fmt.Errorf("PV %s: block volumes are not supported on this node", pv.Name)
	}
	cv := claimVolume{pv: pv.Name, readOnly: readOnly}
	switch {
	case pv.Spec.HostPath != nil:
		if err := setUpHostPath(pv.Spec.HostPath); err != nil {
			return fmt.Errorf("PV %s: %w", pv.Name, err)
		}
		cv.path = pv.Spec.HostPath.Path
	case pv.Spec.Local != nil:
		st, err := os.Stat(pv.Spec.Local.Path)
		if err != nil {
			return fmt.Errorf("PV %s: local volume path %s: %w", pv.Name, pv.Spec.Local.Path, err)
		}
		if !st.IsDir() {
			return fmt.Errorf("PV %s: local volume path %s is not a directory", pv.Name, pv.Spec.Local.Path)
		}
		cv.path = pv.Spec.Local.Path
	default:
		return fmt.Errorf("PV %s: unsupported volume source (this node mounts hostPath and local volumes)", pv.Name)
	}
	m.mu.Lock()
	if m.claims == nil {
		m.claims = map[string]claimVolume{}
	}
	m.claims[claimKey(pod, v)] = cv
	m.mu.Unlock()
	return nil
}

// forgetClaims drops the resolved claims of pod.
func (m *Manager) forgetClaims(pod *corev1.Pod) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := range pod.Spec.Volumes {
		delete(m.claims, claimKey(pod, &pod.Spec.Volumes[i]))
	}
}
