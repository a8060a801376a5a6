package storageprotection

import (
	"context"
	"slices"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/runtime/schema"

	"keel.dev/keel/pkg/apiserver/admission"
)

// PluginName is the plugin's name in --enable-admission-plugins.
const PluginName = "StorageObjectInUseProtection"

// The protection finalizers.
const (
	PVCProtectionFinalizer = "kubernetes.io/pvc-protection"
	PVProtectionFinalizer  = "kubernetes.io/pv-protection"
)

// Plugin adds the protection finalizers.
type Plugin struct{}

var _ admission.Mutator = Plugin{}

// New returns the plugin.
func New() Plugin { return Plugin{} }

// Handles implements admission.Plugin: claim and volume creates.
func (Plugin) Handles(op admission.Operation, gr schema.GroupResource) bool {
	return op == admission.Create && gr.Group == "" &&
		(gr.Resource == "persistentvolumeclaims" || gr.Resource == "persistentvolumes")
}

// Admit implements admission.Mutator.
func (Plugin) Admit(ctx context.Context, a *admission.Attributes) error {
	switch o := a.Object.(type) {
	case *corev1.PersistentVolumeClaim:
		if !slices.Contains(o.Finalizers, PVCProtectionFinalizer) {
			o.Finalizers = append(o.Finalizers, PVCProtectionFinalizer)
		}
	case *corev1.PersistentVolume:
		if !slices.Contains(o.Finalizers, PVProtectionFinalizer) {
			o.Finalizers = append(o.Finalizers, PVProtectionFinalizer)
		}
	}
	return nil
}
