package storageclass

import (
	"context"
	"fmt"

	corev1 "keel.dev/api/core/v1"
	storagev1 "keel.dev/api/storage/v1"
	"keel.dev/apimachinery/pkg/runtime/schema"

	"keel.dev/keel/pkg/apiserver/admission"
	"keel.dev/keel/pkg/apiserver/admission/internal/objects"
)

// PluginName is the plugin's name in --enable-admission-plugins.
const PluginName = "DefaultStorageClass"

// Annotations marking the default class, and the legacy claim annotation
// that names a class.
const (
	IsDefaultAnnotation     = "storageclass.kubernetes.io/is-default-class"
	BetaIsDefaultAnnotation = "storageclass.beta.kubernetes.io/is-default-class"
	BetaClassAnnotation     = "volume.beta.kubernetes.io/storage-class"
)

// Plugin defaults the class of new claims.
type Plugin struct {
	classes *objects.Source
}

var _ admission.Mutator = (*Plugin)(nil)

// New returns the plugin reading StorageClasses through lookup.
func New(lookup objects.Lookup) (*Plugin, error) {
	src, err := objects.NewSource(lookup, schema.GroupResource{Group: "storage.k8s.io", Resource: "storageclasses"})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", PluginName, err)
	}
	return &Plugin{classes: src}, nil
}

// Handles implements admission.Plugin: claim creates.
func (p *Plugin) Handles(op admission.Operation, gr schema.GroupResource) bool {
	return op == admission.Create && gr == schema.GroupResource{Resource: "persistentvolumeclaims"}
}

// Admit implements admission.Mutator.
func (p *Plugin) Admit(ctx context.Context, a *admission.Attributes) error {
	pvc, ok := a.Object.(*corev1.PersistentVolumeClaim)
	if !ok || pvc.Spec.StorageClassName != nil {
		return nil
	}
	if _, ok := pvc.Annotations[BetaClassAnnotation]; ok {
		return nil
	}
	items, err := p.classes.List(ctx, "")
	if err != nil {
		return err
	}
	if def := DefaultClass(objects.Typed[*storagev1.StorageClass](items)); def != nil {
		name := def.Name
		pvc.Spec.StorageClassName = &name
	}
	return nil
}

// IsDefault reports whether sc is marked as a default class.
func IsDefault(sc *storagev1.StorageClass) bool {
	return sc.Annotations[IsDefaultAnnotation] == "true" || sc.Annotations[BetaIsDefaultAnnotation] == "true"
}

// DefaultClass returns the default class among classes: the newest marked
// one, by name when created at the same time; nil when none is marked.
func DefaultClass(classes []*storagev1.StorageClass) *storagev1.StorageClass {
	var best *storagev1.StorageClass
	for _, sc := range classes {
		if !IsDefault(sc) {
			continue
		}
		switch {
		case best == nil:
			best = sc
		case sc.CreationTimestamp.After(best.CreationTimestamp.Time):
			best = sc
		case sc.CreationTimestamp.Equal(&best.CreationTimestamp) && sc.Name < best.Name:
			best = sc
		}
	}
	return best
}
