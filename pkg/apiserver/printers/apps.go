package printers

import (
	"fmt"
	"strings"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/apimachinery/pkg/runtime/schema"

	appsv1 "keel.dev/api/apps/v1"
)

func apps(resource string) schema.GroupResource {
	return schema.GroupResource{Group: "apps", Resource: resource}
}

// Wide columns every workload shares.
var (
	containersColumn = wide(str("Containers", "Names of the pod template's containers."))
	imagesColumn     = wide(str("Images", "Images of the pod template's containers."))
	selectorColumn   = wide(str("Selector", "Label selector of the managed pods."))
)

func addAppsHandlers(p *Printers) {
	add(p, apps("deployments"), []metav1.TableColumnDefinition{
		nameColumn,
		str("Ready", "Ready replicas out of the desired replicas."),
		str("Up-to-date", "Replicas running the latest pod template."),
		str("Available", "Replicas available to serve."),
		ageColumn,
		containersColumn, imagesColumn, selectorColumn,
	}, func(p *Printers, d *appsv1.Deployment) ([]any, error) {
		selector := "<invalid>"
		if sel, err := metav1.LabelSelectorAsSelector(d.Spec.Selector); err == nil {
			selector = sel.String()
		}
		names, images := containerCells(d.Spec.Template.Spec.Containers)
		return []any{
			d.Name, fmt.Sprintf("%d/%d", d.Status.ReadyReplicas, derefInt32(d.Spec.Replicas)),
			int64(d.Status.UpdatedReplicas), int64(d.Status.AvailableReplicas), p.since(d.CreationTimestamp),
			names, images, selector,
		}, nil
	})
	add(p, apps("replicasets"), []metav1.TableColumnDefinition{
		nameColumn,
		integer("Desired", "Number of replicas asked for."),
		integer("Current", "Number of replicas that exist."),
		integer("Ready", "Number of ready replicas."),
		ageColumn,
		containersColumn, imagesColumn, selectorColumn,
	}, func(p *Printers, rs *appsv1.ReplicaSet) ([]any, error) {
		names, images := containerCells(rs.Spec.Template.Spec.Containers)
		return []any{
			rs.Name, int64(derefInt32(rs.Spec.Replicas)), int64(rs.Status.Replicas), int64(rs.Status.ReadyReplicas),
			p.since(rs.CreationTimestamp), names, images, metav1.FormatLabelSelector(rs.Spec.Selector),
		}, nil
	})
	add(p, apps("statefulsets"), []metav1.TableColumnDefinition{
		nameColumn,
		str("Ready", "Ready replicas out of the desired replicas."),
		ageColumn,
		containersColumn, imagesColumn,
	}, func(p *Printers, ss *appsv1.StatefulSet) ([]any, error) {
		names, images := containerCells(ss.Spec.Template.Spec.Containers)
		return []any{
			ss.Name, fmt.Sprintf("%d/%d", ss.Status.ReadyReplicas, derefInt32(ss.Spec.Replicas)),
			p.since(ss.CreationTimestamp), names, images,
		}, nil
	})
	add(p, apps("daemonsets"), []metav1.TableColumnDefinition{
		nameColumn,
		integer("Desired", "Number of nodes that should run the daemon pod."),
		integer("Current", "Number of nodes running the daemon pod."),
		integer("Ready", "Number of nodes with a ready daemon pod."),
		integer("Up-to-date", "Number of nodes running the latest pod template."),
		integer("Available", "Number of nodes with an available daemon pod."),
		str("Node Selector", "The pod template's node selector."),
		ageColumn,
		containersColumn, imagesColumn, selectorColumn,
	}, func(p *Printers, ds *appsv1.DaemonSet) ([]any, error) {
		names, images := containerCells(ds.Spec.Template.Spec.Containers)
		st := ds.Status
		return []any{
			ds.Name, int64(st.DesiredNumberScheduled), int64(st.CurrentNumberScheduled), int64(st.NumberReady),
			int64(st.UpdatedNumberScheduled), int64(st.NumberAvailable), labels.FormatLabels(ds.Spec.Template.Spec.NodeSelector),
			p.since(ds.CreationTimestamp), names, images, metav1.FormatLabelSelector(ds.Spec.Selector),
		}, nil
	})
	add(p, apps("controllerrevisions"), []metav1.TableColumnDefinition{
		nameColumn,
		str("Controller", "The controller that owns the revision, as kind.group/name."),
		str("Revision", "The revision number."),
		ageColumn,
	}, func(p *Printers, cr *appsv1.ControllerRevision) ([]any, error) {
		owner := "<none>"
		if ref := metav1.GetControllerOf(&cr.ObjectMeta); ref != nil {
			gv, err := schema.ParseGroupVersion(ref.APIVersion)
			if err != nil {
				return nil, fmt.Errorf("printing controllerrevision %s: %w", cr.Name, err)
			}
			gk := schema.GroupKind{Group: gv.Group, Kind: ref.Kind}
			owner = ref.Name
			if gk.Kind != "" || gk.Group != "" {
				owner = strings.ToLower(gk.String()) + "/" + ref.Name
			}
		}
		return []any{cr.Name, owner, cr.Revision, p.since(cr.CreationTimestamp)}, nil
	})
}
