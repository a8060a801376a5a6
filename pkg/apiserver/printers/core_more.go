package printers

import (
	"fmt"
	"slices"
	"strings"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/labels"

	corev1 "keel.dev/api/core/v1"
)

func addCoreMoreHandlers(p *Printers) {
	add(p, core("persistentvolumes"), []metav1.TableColumnDefinition{
		nameColumn,
		str("Capacity", "The volume's storage capacity."),
		str("Access Modes", "How the volume can be mounted (RWO, ROX, RWX, RWOP)."),
		str("Reclaim Policy", "What happens to the volume when its claim is released."),
		str("Status", "The volume's phase."),
		str("Claim", "The claim bound to the volume, as namespace/name."),
		str("StorageClass", "The storage class of the volume."),
		str("VolumeAttributesClass", "The volume attributes class of the volume."),
		str("Reason", "Why the volume is in its phase."),
		ageColumn,
		wide(str("VolumeMode", "Filesystem or Block.")),
	}, printPersistentVolume)
	add(p, core("persistentvolumeclaims"), []metav1.TableColumnDefinition{
		nameColumn,
		str("Status", "The claim's phase."),
		str("Volume", "The volume bound to the claim."),
		str("Capacity", "The capacity of the bound volume."),
		str("Access Modes", "How the bound volume can be mounted (RWO, ROX, RWX, RWOP)."),
		str("StorageClass", "The storage class the claim asks for."),
		str("VolumeAttributesClass", "The volume attributes class the claim asks for."),
		ageColumn,
		wide(str("VolumeMode", "Filesystem or Block.")),
	}, printPersistentVolumeClaim)
	add(p, core("resourcequotas"), []metav1.TableColumnDefinition{
		nameColumn,
		str("Request", "Used and hard amounts of the quota's request resources."),
		str("Limit", "Used and hard amounts of the quota's limits.* resources."),
		ageColumn,
	}, printResourceQuota)
	add(p, core("limitranges"), []metav1.TableColumnDefinition{
		nameColumn,
		{Name: "Created At", Type: "date", Description: "When the object was created."},
	}, func(_ *Printers, lr *corev1.LimitRange) ([]any, error) {
		return []any{lr.Name, createdAt(lr.CreationTimestamp)}, nil
	})
	add(p, core("replicationcontrollers"), []metav1.TableColumnDefinition{
		nameColumn,
		integer("Desired", "Number of replicas asked for."),
		integer("Current", "Number of replicas that exist."),
		integer("Ready", "Number of ready replicas."),
		ageColumn,
		wide(str("Containers", "Names of the pod template's containers.")),
		wide(str("Images", "Images of the pod template's containers.")),
		wide(str("Selector", "Labels of the pods the controller manages.")),
	}, func(p *Printers, rc *corev1.ReplicationController) ([]any, error) {
		var names, images string
		if rc.Spec.Template != nil {
			names, images = containerCells(rc.Spec.Template.Spec.Containers)
		}
		return []any{
			rc.Name, int64(derefInt32(rc.Spec.Replicas)), int64(rc.Status.Replicas), int64(rc.Status.ReadyReplicas),
			p.since(rc.CreationTimestamp), names, images, labels.FormatLabels(rc.Spec.Selector),
		}, nil
	})
	add(p, core("componentstatuses"), []metav1.TableColumnDefinition{
		nameColumn,
		str("Status", "Healthy, Unhealthy or Unknown."),
		str("Message", "Message of the Healthy condition."),
		str("Error", "Error of the Healthy condition."),
	}, func(_ *Printers, cs *corev1.ComponentStatus) ([]any, error) {
		status, message, errText := "Unknown", "", ""
		for _, c := range cs.Conditions {
			if c.Type != corev1.ComponentHealthy {
				continue
			}
			status = "Unhealthy"
			if c.Status == corev1.ConditionTrue {
				status = "Healthy"
			}
			message, errText = c.Message, c.Error
			break
		}
		return []any{cs.Name, status, message, errText}, nil
	})
}

// accessModes renders access modes as kubectl abbreviates them.
func accessModes(modes []corev1.PersistentVolumeAccessMode) string {
	var out []string
	for _, m := range []struct {
		mode  corev1.PersistentVolumeAccessMode
		short string
	}{
		{corev1.ReadWriteOnce, "RWO"},
		{corev1.ReadOnlyMany, "ROX"},
		{corev1.ReadWriteMany, "RWX"},
		{corev1.ReadWriteOncePod, "RWOP"},
	} {
		if slices.Contains(modes, m.mode) {
			out = append(out, m.short)
		}
	}
	return strings.Join(out, ",")
}

func printPersistentVolume(p *Printers, pv *corev1.PersistentVolume) ([]any, error) {
	claim := ""
	if ref := pv.Spec.ClaimRef; ref != nil {
		claim = ref.Namespace + "/" + ref.Name
	}
	capacity := pv.Spec.Capacity[corev1.ResourceStorage]
	phase := string(pv.Status.Phase)
	if pv.DeletionTimestamp != nil {
		phase = "Terminating"
	}
	class := pv.Spec.StorageClassName
	if v, ok := pv.Annotations[corev1.BetaStorageClassAnnotation]; ok {
		class = v
	}
	vac := "<unset>"
	if pv.Spec.VolumeAttributesClassName != nil {
		vac = *pv.Spec.VolumeAttributesClassName
	}
	mode := "<unset>"
	if pv.Spec.VolumeMode != nil {
		mode = string(*pv.Spec.VolumeMode)
	}
	return []any{
		pv.Name, capacity.String(), accessModes(pv.Spec.AccessModes), string(pv.Spec.PersistentVolumeReclaimPolicy),
		phase, claim, class, vac, pv.Status.Reason, p.since(pv.CreationTimestamp), mode,
	}, nil
}

func printPersistentVolumeClaim(p *Printers, pvc *corev1.PersistentVolumeClaim) ([]any, error) {
	phase := string(pvc.Status.Phase)
	if pvc.DeletionTimestamp != nil {
		phase = "Terminating"
	}
	class := ""
	if v, ok := pvc.Annotations[corev1.BetaStorageClassAnnotation]; ok {
		class = v
	} else if pvc.Spec.StorageClassName != nil {
		class = *pvc.Spec.StorageClassName
	}
	vac := "<unset>"
	if v := pvc.Spec.VolumeAttributesClassName; v != nil {
		vac = *v
	}
	capacity, modes := "", ""
	if pvc.Spec.VolumeName != "" {
		modes = accessModes(pvc.Status.AccessModes)
		q := pvc.Status.Capacity[corev1.ResourceStorage]
		capacity = q.String()
	}
	mode := "<unset>"
	if pvc.Spec.VolumeMode != nil {
		mode = string(*pvc.Spec.VolumeMode)
	}
	return []any{
		pvc.Name, phase, pvc.Spec.VolumeName, capacity, modes, class, vac, p.since(pvc.CreationTimestamp), mode,
	}, nil
}

func printResourceQuota(p *Printers, q *corev1.ResourceQuota) ([]any, error) {
	names := make([]string, 0, len(q.Status.Hard))
	for n := range q.Status.Hard {
		names = append(names, string(n))
	}
	slices.Sort(names)
	var requests, limits []string
	for _, n := range names {
		used := q.Status.Used[corev1.ResourceName(n)]
		hard := q.Status.Hard[corev1.ResourceName(n)]
		entry := fmt.Sprintf("%s: %s/%s", n, used.String(), hard.String())
		if pieces := strings.Split(n, "."); len(pieces) > 1 && pieces[0] == "limits" {
			limits = append(limits, entry)
		} else {
			requests = append(requests, entry)
		}
	}
	return []any{q.Name, strings.Join(requests, ", "), strings.Join(limits, ", "), p.since(q.CreationTimestamp)}, nil
}
