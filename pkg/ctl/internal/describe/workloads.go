package describe

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	appsv1 "keel.dev/api/apps/v1"
	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/labels"
)

// PodCounts is how many of a workload's pods are in each phase; Waiting
// counts pending pods.
type PodCounts struct {
	Running, Waiting, Succeeded, Failed int
}

// CountPods counts by phase the pods that controller (by UID) controls.
func CountPods(pods []corev1.Pod, controller string) PodCounts {
	var c PodCounts
	for i := range pods {
		ref := metav1.GetControllerOf(&pods[i])
		if ref == nil || string(ref.UID) != controller {
			continue
		}
		switch pods[i].Status.Phase {
		case corev1.PodRunning:
			c.Running++
		case corev1.PodPending:
			c.Waiting++
		case corev1.PodSucceeded:
			c.Succeeded++
		case corev1.PodFailed:
			c.Failed++
		}
	}
	return c
}

func (l *lines) podsStatus(c PodCounts) {
	l.put(0, "Pods Status:\t%d Running / %d Waiting / %d Succeeded / %d Failed\n", c.Running, c.Waiting, c.Succeeded, c.Failed)
}

// header writes the name, namespace and creation time lines; ns and
// created are skipped when false.
func (l *lines) header(m *metav1.ObjectMeta, ns, created bool) {
	l.put(0, "Name:\t%s\n", m.Name)
	if ns {
		l.put(0, "Namespace:\t%s\n", m.Namespace)
	}
	if created {
		l.put(0, "CreationTimestamp:\t%s\n", m.CreationTimestamp.Time.Format(time.RFC1123Z))
	}
}

// labelsAndAnnotations writes the object's Labels and Annotations lines.
func (l *lines) labelsAndAnnotations(m *metav1.ObjectMeta) {
	l.keyValues("Labels", m.Labels)
	l.annotations("Annotations", m.Annotations)
}

// conditions writes a Type/Status/Reason table, nothing when rows is empty.
func (l *lines) conditions(rows [][3]string) {
	if len(rows) == 0 {
		return
	}
	l.put(0, "Conditions:\n")
	l.put(1, "Type\tStatus\tReason\n")
	l.put(1, "----\t------\t------\n")
	for _, r := range rows {
		l.put(1, "%s \t%s\t%s\n", r[0], r[1], r[2])
	}
}

func (l *lines) template(t *corev1.PodTemplateSpec) {
	if l.err == nil {
		l.err = PodTemplate(l.w, t)
	}
}

// ReplicaSets are a deployment's replica sets as describe lists them:
// New is the one whose template matches the deployment's, Old the rest.
type ReplicaSets struct {
	Old []*appsv1.ReplicaSet
	New *appsv1.ReplicaSet
}

// SplitReplicaSets picks from all the replica sets that d controls, oldest
// first (by creation time, then name), and splits them into the new one
// (the oldest whose template equals d's, ignoring pod-template-hash) and
// the old ones.
func SplitReplicaSets(d *appsv1.Deployment, all []appsv1.ReplicaSet) ReplicaSets {
	var out ReplicaSets
	var owned []*appsv1.ReplicaSet
	for i := range all {
		if ref := metav1.GetControllerOf(&all[i]); ref != nil && ref.UID == d.UID {
			owned = append(owned, &all[i])
		}
	}
	sort.SliceStable(owned, func(i, j int) bool { return olderThan(owned[i], owned[j]) })
	for _, rs := range owned {
		if sameTemplate(&rs.Spec.Template, &d.Spec.Template) {
			out.New = rs
			break
		}
	}
	for _, rs := range owned {
		if rs != out.New {
			out.Old = append(out.Old, rs)
		}
	}
	return out
}

func olderThan(a, b *appsv1.ReplicaSet) bool {
	ta, tb := a.CreationTimestamp.Time, b.CreationTimestamp.Time
	if !ta.Equal(tb) {
		return ta.Before(tb)
	}
	return a.Name < b.Name
}

// sameTemplate compares two pod templates ignoring the pod-template-hash
// label the deployment controller adds to its replica sets.
func sameTemplate(a, b *corev1.PodTemplateSpec) bool {
	strip := func(t *corev1.PodTemplateSpec) *corev1.PodTemplateSpec {
		c := t.DeepCopy()
		delete(c.Labels, appsv1.DefaultDeploymentUniqueLabelKey)
		if len(c.Labels) == 0 {
			c.Labels = nil
		}
		return c
	}
	return semanticEqual(strip(a), strip(b))
}

// semanticEqual compares two API values by their JSON form, which treats
// empty and missing fields alike as the API does.
func semanticEqual(a, b any) bool {
	ja, errA := json.Marshal(a)
	jb, errB := json.Marshal(b)
	return errA == nil && errB == nil && bytes.Equal(ja, jb)
}

func replicaSetList(rss []*appsv1.ReplicaSet) string {
	if len(rss) == 0 {
		return "<none>"
	}
	parts := make([]string, 0, len(rss))
	for _, rs := range rss {
		parts = append(parts, fmt.Sprintf("%s (%d/%d replicas created)", rs.Name, rs.Status.Replicas, deref(rs.Spec.Replicas)))
	}
	return strings.Join(parts, ", ")
}

func deref(p *int32) int32 {
	if p == nil {
		return 0
	}
	return *p
}

// Deployment writes describe's deployment section up to (not including)
// Events. The OldReplicaSets and NewReplicaSet lines appear only when the
// deployment has a replica set at all; rs is nil when they could not be
// listed.
func Deployment(w io.Writer, d *appsv1.Deployment, rs *ReplicaSets) error {
	l := &lines{w: w}
	l.header(&d.ObjectMeta, true, true)
	l.labelsAndAnnotations(&d.ObjectMeta)
	l.put(0, "Selector:\t%s\n", metav1.FormatLabelSelector(d.Spec.Selector))
	st := &d.Status
	l.put(0, "Replicas:\t%d desired | %d updated | %d total | %d available | %d unavailable\n",
		deref(d.Spec.Replicas), st.UpdatedReplicas, st.Replicas, st.AvailableReplicas, st.UnavailableReplicas)
	l.put(0, "StrategyType:\t%s\n", d.Spec.Strategy.Type)
	l.put(0, "MinReadySeconds:\t%d\n", d.Spec.MinReadySeconds)
	if ru := d.Spec.Strategy.RollingUpdate; ru != nil {
		l.put(0, "RollingUpdateStrategy:\t%s max unavailable, %s max surge\n", ru.MaxUnavailable.String(), ru.MaxSurge.String())
	}
	l.template(&d.Spec.Template)
	rows := make([][3]string, 0, len(st.Conditions))
	for _, c := range st.Conditions {
		rows = append(rows, [3]string{string(c.Type), string(c.Status), c.Reason})
	}
	l.conditions(rows)
	if rs != nil && (len(rs.Old) > 0 || rs.New != nil) {
		l.put(0, "OldReplicaSets:\t%s\n", replicaSetList(rs.Old))
		var n []*appsv1.ReplicaSet
		if rs.New != nil {
			n = append(n, rs.New)
		}
		l.put(0, "NewReplicaSet:\t%s\n", replicaSetList(n))
	}
	return l.err
}

// ReplicaSet writes describe's replica set section up to Events.
func ReplicaSet(w io.Writer, rs *appsv1.ReplicaSet, pods PodCounts) error {
	l := &lines{w: w}
	l.header(&rs.ObjectMeta, true, false)
	l.put(0, "Selector:\t%s\n", metav1.FormatLabelSelector(rs.Spec.Selector))
	l.labelsAndAnnotations(&rs.ObjectMeta)
	if ref := metav1.GetControllerOf(rs); ref != nil {
		l.put(0, "Controlled By:\t%s/%s\n", ref.Kind, ref.Name)
	}
	l.put(0, "Replicas:\t%d current / %d desired\n", rs.Status.Replicas, deref(rs.Spec.Replicas))
	l.podsStatus(pods)
	l.template(&rs.Spec.Template)
	rows := make([][3]string, 0, len(rs.Status.Conditions))
	for _, c := range rs.Status.Conditions {
		rows = append(rows, [3]string{string(c.Type), string(c.Status), c.Reason})
	}
	l.conditions(rows)
	return l.err
}

// DaemonSet writes describe's daemon set section up to Events; kubectl
// prints no namespace line for daemon sets.
func DaemonSet(w io.Writer, ds *appsv1.DaemonSet, pods PodCounts) error {
	l := &lines{w: w}
	l.header(&ds.ObjectMeta, false, false)
	l.put(0, "Selector:\t%s\n", metav1.FormatLabelSelector(ds.Spec.Selector))
	l.put(0, "Node-Selector:\t%s\n", labels.FormatLabels(ds.Spec.Template.Spec.NodeSelector))
	l.labelsAndAnnotations(&ds.ObjectMeta)
	st := &ds.Status
	l.put(0, "Desired Number of Nodes Scheduled: %d\n", st.DesiredNumberScheduled)
	l.put(0, "Current Number of Nodes Scheduled: %d\n", st.CurrentNumberScheduled)
	l.put(0, "Number of Nodes Scheduled with Up-to-date Pods: %d\n", st.UpdatedNumberScheduled)
	l.put(0, "Number of Nodes Scheduled with Available Pods: %d\n", st.NumberAvailable)
	l.put(0, "Number of Nodes Misscheduled: %d\n", st.NumberMisscheduled)
	l.podsStatus(pods)
	l.template(&ds.Spec.Template)
	return l.err
}

// StatefulSet writes describe's stateful set section up to Events.
func StatefulSet(w io.Writer, sts *appsv1.StatefulSet, pods PodCounts) error {
	l := &lines{w: w}
	l.header(&sts.ObjectMeta, true, true)
	l.put(0, "Selector:\t%s\n", metav1.FormatLabelSelector(sts.Spec.Selector))
	l.labelsAndAnnotations(&sts.ObjectMeta)
	l.put(0, "Replicas:\t%d desired | %d total\n", deref(sts.Spec.Replicas), sts.Status.Replicas)
	l.put(0, "Update Strategy:\t%s\n", sts.Spec.UpdateStrategy.Type)
	if ru := sts.Spec.UpdateStrategy.RollingUpdate; ru != nil {
		if ru.Partition != nil {
			l.put(1, "Partition:\t%d\n", *ru.Partition)
		}
		if ru.MaxUnavailable != nil {
			l.put(1, "MaxUnavailable:\t%s\n", ru.MaxUnavailable.String())
		}
	}
	l.podsStatus(pods)
	l.template(&sts.Spec.Template)
	l.claimTemplates(sts.Spec.VolumeClaimTemplates)
	return l.err
}

// claimTemplates writes the "Volume Claims:" section of a stateful set.
func (l *lines) claimTemplates(pvcs []corev1.PersistentVolumeClaim) {
	if len(pvcs) == 0 {
		l.put(0, "Volume Claims:\t<none>\n")
		return
	}
	l.put(0, "Volume Claims:\n")
	for i := range pvcs {
		p := &pvcs[i]
		l.put(1, "Name:\t%s\n", p.Name)
		class := ""
		if p.Spec.StorageClassName != nil {
			class = *p.Spec.StorageClassName
		}
		l.put(1, "StorageClass:\t%s\n", class)
		l.keyValues("  Labels", p.Labels)
		l.keyValues("  Annotations", p.Annotations)
		capacity := "<default>"
		if q, ok := p.Spec.Resources.Requests[corev1.ResourceStorage]; ok {
			capacity = q.String()
		}
		l.put(1, "Capacity:\t%s\n", capacity)
		l.put(1, "Access Modes:\t%v\n", p.Spec.AccessModes)
	}
}
