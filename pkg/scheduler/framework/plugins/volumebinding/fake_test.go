package volumebinding_test

import (
	"context"
	"fmt"
	"sync"

	corev1 "keel.dev/api/core/v1"
	storagev1 "keel.dev/api/storage/v1"
	"keel.dev/apimachinery/pkg/api/resource"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/types"
	"keel.dev/keel/pkg/scheduler/framework"
	"keel.dev/keel/pkg/scheduler/framework/plugins/volumebinding"
)

// fakeVolumes is an in-memory VolumeLister and ClaimWriter. When bindTo is
// set, SetSelectedNode plays the PV controller: it binds the claim to a
// volume named after it, with node affinity to the selected node.
type fakeVolumes struct {
	mu      sync.Mutex
	pvcs    map[string]*corev1.PersistentVolumeClaim
	pvs     map[string]*corev1.PersistentVolume
	classes map[string]*storagev1.StorageClass
	// selected records SetSelectedNode calls as "ns/claim=node".
	selected []string
	bind     bool
	// lag delays SetSelectedNode's effect by that many GetPVC calls, as an
	// informer cache trails the API.
	lag     int
	pending *corev1.PersistentVolumeClaim
	// resetAfterSeen plays a provisioner giving up: once a claim was
	// served with the selected-node annotation, the annotation is removed.
	resetAfterSeen bool
}

func newFakeVolumes() *fakeVolumes {
	return &fakeVolumes{pvcs: map[string]*corev1.PersistentVolumeClaim{}, pvs: map[string]*corev1.PersistentVolume{}, classes: map[string]*storagev1.StorageClass{}}
}

func (f *fakeVolumes) add(objs ...any) *fakeVolumes {
	for _, o := range objs {
		switch o := o.(type) {
		case *corev1.PersistentVolumeClaim:
			f.pvcs[o.Namespace+"/"+o.Name] = o
		case *corev1.PersistentVolume:
			f.pvs[o.Name] = o
		case *storagev1.StorageClass:
			f.classes[o.Name] = o
		}
	}
	return f
}

func (f *fakeVolumes) GetPVC(ns, name string) (*corev1.PersistentVolumeClaim, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.pending != nil {
		if f.lag--; f.lag <= 0 {
			f.pvcs[f.pending.Namespace+"/"+f.pending.Name] = f.pending
			f.pending = nil
		}
	}
	if c, ok := f.pvcs[ns+"/"+name]; ok {
		if _, annotated := c.Annotations[volumebinding.AnnSelectedNode]; annotated && f.resetAfterSeen {
			reset := c.DeepCopy()
			delete(reset.Annotations, volumebinding.AnnSelectedNode)
			f.pvcs[ns+"/"+name] = reset
		}
		return c, nil
	}
	return nil, fmt.Errorf("claim %s/%s: %w", ns, name, framework.ErrNotFound)
}

func (f *fakeVolumes) GetPV(name string) (*corev1.PersistentVolume, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if pv, ok := f.pvs[name]; ok {
		return pv, nil
	}
	return nil, fmt.Errorf("volume %s: %w", name, framework.ErrNotFound)
}

func (f *fakeVolumes) ListPVs() ([]*corev1.PersistentVolume, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []*corev1.PersistentVolume
	for _, pv := range f.pvs {
		out = append(out, pv)
	}
	return out, nil
}

func (f *fakeVolumes) GetStorageClass(name string) (*storagev1.StorageClass, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if sc, ok := f.classes[name]; ok {
		return sc, nil
	}
	return nil, fmt.Errorf("class %s: %w", name, framework.ErrNotFound)
}

func (f *fakeVolumes) SetSelectedNode(_ context.Context, claim *corev1.PersistentVolumeClaim, node string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.selected = append(f.selected, claim.Namespace+"/"+claim.Name+"="+node)
	c := claim.DeepCopy()
	if c.Annotations == nil {
		c.Annotations = map[string]string{}
	}
	c.Annotations[volumebinding.AnnSelectedNode] = node
	if f.bind {
		pv := volume("pv-"+c.Name, "", "zone-of-"+node)
		pv.Spec.NodeAffinity = hostAffinity(node)
		f.pvs[pv.Name] = pv
		c.Spec.VolumeName = pv.Name
		c.Status.Phase = corev1.ClaimBound
	}
	if f.lag > 0 {
		f.pending = c
		return nil
	}
	f.pvcs[c.Namespace+"/"+c.Name] = c
	return nil
}

// claim returns an unbound claim of class asking for 1Gi.
func claim(name, class string) *corev1.PersistentVolumeClaim {
	c := &corev1.PersistentVolumeClaim{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default", UID: types.UID("uid-" + name)},
		Spec: corev1.PersistentVolumeClaimSpec{
			AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
			Resources:   corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1Gi")}},
		},
		Status: corev1.PersistentVolumeClaimStatus{Phase: corev1.ClaimPending},
	}
	if class != "" {
		c.Spec.StorageClassName = &class
	}
	return c
}

func boundClaim(name, pv string) *corev1.PersistentVolumeClaim {
	c := claim(name, "")
	c.Spec.VolumeName = pv
	c.Status.Phase = corev1.ClaimBound
	return c
}

// volume returns an Available 2Gi volume of class, restricted to nodes
// labelled zone=zone when zone is set.
func volume(name, class, zone string) *corev1.PersistentVolume {
	pv := &corev1.PersistentVolume{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: corev1.PersistentVolumeSpec{
			Capacity:         corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("2Gi")},
			AccessModes:      []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
			StorageClassName: class,
		},
		Status: corev1.PersistentVolumeStatus{Phase: corev1.VolumeAvailable},
	}
	if zone != "" {
		pv.Spec.NodeAffinity = &corev1.VolumeNodeAffinity{Required: &corev1.NodeSelector{NodeSelectorTerms: []corev1.NodeSelectorTerm{{
			MatchExpressions: []corev1.NodeSelectorRequirement{{Key: "zone", Operator: corev1.NodeSelectorOpIn, Values: []string{zone}}},
		}}}}
	}
	return pv
}

func hostAffinity(node string) *corev1.VolumeNodeAffinity {
	return &corev1.VolumeNodeAffinity{Required: &corev1.NodeSelector{NodeSelectorTerms: []corev1.NodeSelectorTerm{{
		MatchExpressions: []corev1.NodeSelectorRequirement{{Key: "kubernetes.io/hostname", Operator: corev1.NodeSelectorOpIn, Values: []string{node}}},
	}}}}
}

func class(name, provisioner string, mode storagev1.VolumeBindingMode, zones ...string) *storagev1.StorageClass {
	sc := &storagev1.StorageClass{ObjectMeta: metav1.ObjectMeta{Name: name}, Provisioner: provisioner, VolumeBindingMode: &mode}
	if len(zones) > 0 {
		sc.AllowedTopologies = []corev1.TopologySelectorTerm{{MatchLabelExpressions: []corev1.TopologySelectorLabelRequirement{{Key: "zone", Values: zones}}}}
	}
	return sc
}

// podWithClaims returns a pod mounting the named claims.
func podWithClaims(claims ...string) *corev1.Pod {
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "default", UID: "pod-uid"}}
	for _, c := range claims {
		p.Spec.Volumes = append(p.Spec.Volumes, corev1.Volume{Name: "v-" + c, VolumeSource: corev1.VolumeSource{
			PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: c},
		}})
	}
	return p
}

func resourceQuantity(s string) resource.Quantity { return resource.MustParse(s) }
