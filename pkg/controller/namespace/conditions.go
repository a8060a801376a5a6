package namespace

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strings"

	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
)

// setConditions records the deletion progress on the namespace status:
// discovery, content deletion failures, remaining content and finalizers.
func (c *Controller) setConditions(ctx context.Context, ns *corev1.Namespace, discoveryErr error, p *pass) error {
	now := metav1.NewTime(c.clock.Now())
	st := ns.Status.DeepCopy()
	set := func(t corev1.NamespaceConditionType, ok bool, trueReason, falseReason, msg string) {
		status, reason := corev1.ConditionFalse, falseReason
		if ok {
			status, reason = corev1.ConditionTrue, trueReason
		}
		want := corev1.NamespaceCondition{Type: t, Status: status, Reason: reason, Message: msg, LastTransitionTime: now}
		for i := range st.Conditions {
			if st.Conditions[i].Type != t {
				continue
			}
			if st.Conditions[i].Status == status {
				want.LastTransitionTime = st.Conditions[i].LastTransitionTime
			}
			st.Conditions[i] = want
			return
		}
		st.Conditions = append(st.Conditions, want)
	}
	msg := "All resources successfully discovered"
	if discoveryErr != nil {
		msg = "Discovery failed for some groups: " + discoveryErr.Error()
	}
	set(corev1.NamespaceDeletionDiscoveryFailure, discoveryErr != nil, "DiscoveryFailed", "ResourcesDiscovered", msg)
	set(corev1.NamespaceDeletionGVParsingFailure, false, "GroupVersionParsingFailed", "ParsedGroupVersions", "All legacy kube types successfully parsed")
	msg = "All content successfully deleted, may be waiting on finalization"
	if len(p.failures) > 0 {
		msg = "Failed to delete all resource types, " + strings.Join(p.failures, ", ")
	}
	set(corev1.NamespaceDeletionContentFailure, len(p.failures) > 0, "ContentDeletionFailed", "ContentDeleted", msg)
	msg = "All content successfully removed"
	if len(p.left) > 0 {
		msg = "Some resources are remaining: " + describe(p.left, "has")
	}
	set(corev1.NamespaceContentRemaining, len(p.left) > 0, "SomeResourcesRemain", "ContentRemoved", msg)
	msg = "All content-preserving finalizers finished"
	if len(p.finalizers) > 0 {
		msg = "Some content in the namespace has finalizers remaining: " + describe(p.finalizers, "in")
	}
	set(corev1.NamespaceFinalizersRemaining, len(p.finalizers) > 0, "SomeFinalizersRemain", "ContentHasNoFinalizers", msg)
	if reflect.DeepEqual(&ns.Status, st) {
		return nil
	}
	ns.Status = *st
	got, err := c.cs.CoreV1().Namespaces().UpdateStatus(ctx, ns, metav1.UpdateOptions{})
	if err != nil {
		if apierrors.IsNotFound(err) || apierrors.IsConflict(err) {
			return nil // the next pass writes it
		}
		return fmt.Errorf("update namespace %s status: %w", ns.Name, err)
	}
	ns.ResourceVersion = got.ResourceVersion
	return nil
}

// describe renders counts as "pods. has 2 resource instances" (verb
// "has") or "example.com/f in 1 resource instances" (verb "in"), sorted.
func describe(m map[string]int, verb string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %s %d resource instances", k, verb, m[k])
	}
	return strings.Join(parts, ", ")
}
