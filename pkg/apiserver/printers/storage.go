package printers

import (
	"strings"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime/schema"

	corev1 "keel.dev/api/core/v1"
	storagev1 "keel.dev/api/storage/v1"
)

// Annotations that mark the default storage class.
const (
	defaultClassAnnotation     = "storageclass.kubernetes.io/is-default-class"
	betaDefaultClassAnnotation = "storageclass.beta.kubernetes.io/is-default-class"
	defaultVACAnnotation       = "volumeattributesclass.alpha.kubernetes.io/is-default-class"
)

func storage(resource string) schema.GroupResource {
	return schema.GroupResource{Group: "storage.k8s.io", Resource: resource}
}

func boolOr(b *bool, def bool) bool {
	if b == nil {
		return def
	}
	return *b
}

func addStorageHandlers(p *Printers) {
	add(p, storage("storageclasses"), []metav1.TableColumnDefinition{
		nameColumn,
		str("Provisioner", "The volume plugin that provisions volumes."),
		str("ReclaimPolicy", "The reclaim policy of provisioned volumes."),
		str("VolumeBindingMode", "When volumes are bound and provisioned."),
		str("AllowVolumeExpansion", "Whether claims may be expanded."),
		ageColumn,
	}, func(p *Printers, sc *storagev1.StorageClass) ([]any, error) {
		name := sc.Name
		if sc.Annotations[defaultClassAnnotation] == "true" || sc.Annotations[betaDefaultClassAnnotation] == "true" {
			name += " (default)"
		}
		reclaim := string(corev1.PersistentVolumeReclaimDelete)
		if sc.ReclaimPolicy != nil {
			reclaim = string(*sc.ReclaimPolicy)
		}
		binding := string(storagev1.VolumeBindingImmediate)
		if sc.VolumeBindingMode != nil {
			binding = string(*sc.VolumeBindingMode)
		}
		return []any{name, sc.Provisioner, reclaim, binding, boolOr(sc.AllowVolumeExpansion, false), p.since(sc.CreationTimestamp)}, nil
	})
	add(p, storage("csidrivers"), []metav1.TableColumnDefinition{
		nameColumn,
		boolean("AttachRequired", "Whether volumes need an attach operation."),
		boolean("PodInfoOnMount", "Whether pod information is passed on mount."),
		boolean("StorageCapacity", "Whether the driver reports storage capacity."),
		str("TokenRequests", "Audiences of the service account tokens passed on mount."),
		boolean("RequiresRepublish", "Whether volumes are mounted again periodically."),
		str("Modes", "The volume lifecycle modes the driver supports."),
		ageColumn,
	}, func(p *Printers, d *storagev1.CSIDriver) ([]any, error) {
		modes := make([]string, 0, len(d.Spec.VolumeLifecycleModes))
		for _, m := range d.Spec.VolumeLifecycleModes {
			modes = append(modes, string(m))
		}
		tokens := "<unset>"
		if d.Spec.TokenRequests != nil {
			auds := make([]string, 0, len(d.Spec.TokenRequests))
			for _, t := range d.Spec.TokenRequests {
				auds = append(auds, t.Audience)
			}
			tokens = strings.Join(auds, ",")
		}
		return []any{
			d.Name, boolOr(d.Spec.AttachRequired, true), boolOr(d.Spec.PodInfoOnMount, false),
			boolOr(d.Spec.StorageCapacity, false), tokens, boolOr(d.Spec.RequiresRepublish, false),
			orNone(strings.Join(modes, ",")), p.since(d.CreationTimestamp),
		}, nil
	})
	add(p, storage("csinodes"), []metav1.TableColumnDefinition{
		nameColumn,
		integer("Drivers", "Number of CSI drivers on the node."),
		ageColumn,
	}, func(p *Printers, n *storagev1.CSINode) ([]any, error) {
		return []any{n.Name, int64(len(n.Spec.Drivers)), p.since(n.CreationTimestamp)}, nil
	})
	add(p, storage("csistoragecapacities"), []metav1.TableColumnDefinition{
		nameColumn,
		str("StorageClassName", "The storage class the capacity applies to."),
		str("Capacity", "The capacity available for new volumes."),
	}, func(_ *Printers, c *storagev1.CSIStorageCapacity) ([]any, error) {
		capacity := "<unset>"
		if c.Capacity != nil {
			capacity = c.Capacity.String()
		}
		return []any{c.Name, c.StorageClassName, capacity}, nil
	})
	add(p, storage("volumeattachments"), []metav1.TableColumnDefinition{
		nameColumn,
		// Kubernetes marks this column with format "name" too.
		{Name: "Attacher", Type: "string", Format: "name", Description: "The driver that attaches the volume."},
		str("PV", "The persistent volume being attached."),
		str("Node", "The node the volume is attached to."),
		boolean("Attached", "Whether the attach operation succeeded."),
		ageColumn,
	}, func(p *Printers, va *storagev1.VolumeAttachment) ([]any, error) {
		pv := ""
		if va.Spec.Source.PersistentVolumeName != nil {
			pv = *va.Spec.Source.PersistentVolumeName
		}
		return []any{va.Name, va.Spec.Attacher, pv, va.Spec.NodeName, va.Status.Attached, p.since(va.CreationTimestamp)}, nil
	})
	add(p, storage("volumeattributesclasses"), []metav1.TableColumnDefinition{
		nameColumn,
		str("DriverName", "The CSI driver the class belongs to."),
		ageColumn,
	}, func(p *Printers, c *storagev1.VolumeAttributesClass) ([]any, error) {
		name := c.Name
		if c.Annotations[defaultVACAnnotation] == "true" {
			name += " (default)"
		}
		return []any{name, c.DriverName, p.since(c.CreationTimestamp)}, nil
	})
}
