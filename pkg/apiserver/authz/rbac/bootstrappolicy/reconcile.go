package bootstrappolicy

import (
	"context"
	"fmt"
	"reflect"

	rbacv1 "keel.dev/api/rbac/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"

	"keel.dev/keel/pkg/apiserver/authz/rbac/escalation"
	"keel.dev/keel/pkg/apiserver/registry/rest"
)

// Storages finds the storage of a resource (registry.Storages implements it).
type Storages interface {
	For(gvr schema.GroupVersionResource, subresource string) (rest.Storage, bool)
}

var (
	clusterRolesGVR        = rbacv1.SchemeGroupVersion.WithResource("clusterroles")
	clusterRoleBindingsGVR = rbacv1.SchemeGroupVersion.WithResource("clusterrolebindings")
)

// Ensure creates the missing bootstrap ClusterRoles and
// ClusterRoleBindings and completes the existing ones (see the package
// doc). It is idempotent; an error leaves the rest for the next call.
func Ensure(ctx context.Context, st Storages) error {
	for _, r := range ClusterRoles() {
		want := r
		want.TypeMeta = metav1.TypeMeta{APIVersion: rbacv1.SchemeGroupVersion.String(), Kind: "ClusterRole"}
		if err := ensure(ctx, st, clusterRolesGVR, &want, func(cur runtime.Object) (runtime.Object, bool) {
			return reconcileRole(cur.(*rbacv1.ClusterRole), &want)
		}); err != nil {
			return err
		}
	}
	for _, b := range ClusterRoleBindings() {
		want := b
		want.TypeMeta = metav1.TypeMeta{APIVersion: rbacv1.SchemeGroupVersion.String(), Kind: "ClusterRoleBinding"}
		if err := ensure(ctx, st, clusterRoleBindingsGVR, &want, func(cur runtime.Object) (runtime.Object, bool) {
			return reconcileBinding(cur.(*rbacv1.ClusterRoleBinding), &want)
		}); err != nil {
			return err
		}
	}
	return nil
}

// ensure creates want when missing; otherwise reconcile computes the
// completed object from a copy of the current one and reports whether it
// changed. A nil object with true means: delete and create want.
func ensure(ctx context.Context, st Storages, gvr schema.GroupVersionResource, want runtime.Object,
	reconcile func(cur runtime.Object) (runtime.Object, bool)) error {
	s, ok := st.For(gvr, "")
	if !ok {
		return fmt.Errorf("no storage for %s", gvr.GroupResource())
	}
	getter, ok1 := s.(rest.Getter)
	creater, ok2 := s.(rest.Creater)
	updater, ok3 := s.(rest.Updater)
	deleter, ok4 := s.(rest.GracefulDeleter)
	if !ok1 || !ok2 || !ok3 || !ok4 {
		return fmt.Errorf("storage of %s cannot get, create, update and delete", gvr.GroupResource())
	}
	name := want.(metav1.Object).GetName()
	create := func() error {
		if _, err := creater.Create(ctx, want.DeepCopyObject(), &metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("create %s %q: %w", gvr.GroupResource(), name, err)
		}
		return nil
	}
	cur, err := getter.Get(ctx, name, &metav1.GetOptions{})
	switch {
	case apierrors.IsNotFound(err):
		return create()
	case err != nil:
		return fmt.Errorf("get %s %q: %w", gvr.GroupResource(), name, err)
	}
	next, changed := reconcile(cur.DeepCopyObject())
	switch {
	case !changed:
		return nil
	case next == nil:
		if _, _, err := deleter.Delete(ctx, name, &metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("delete %s %q to recreate it: %w", gvr.GroupResource(), name, err)
		}
		return create()
	}
	_, _, err = updater.Update(ctx, name, rest.UpdateFunc(func(_ context.Context, old runtime.Object) (runtime.Object, error) {
		if old == nil {
			return want.DeepCopyObject(), nil
		}
		obj, changed := reconcile(old.DeepCopyObject())
		if !changed || obj == nil {
			return old, nil
		}
		return obj, nil
	}), &metav1.UpdateOptions{})
	if err != nil {
		return fmt.Errorf("update %s %q: %w", gvr.GroupResource(), name, err)
	}
	return nil
}

// protected tells whether an object opted out of reconciliation.
func protected(m *metav1.ObjectMeta) bool {
	return m.Annotations[rbacv1.AutoUpdateAnnotationKey] == "false"
}

// reconcileRole completes cur (a copy) with want's labels, annotations and
// either its aggregation selectors (aggregated roles, whose rules belong
// to the aggregation controller) or its missing rules.
func reconcileRole(cur, want *rbacv1.ClusterRole) (runtime.Object, bool) {
	if protected(&cur.ObjectMeta) {
		return nil, false
	}
	changed := mergeMeta(&cur.ObjectMeta, &want.ObjectMeta)
	if want.AggregationRule != nil {
		if cur.AggregationRule == nil {
			cur.AggregationRule = &rbacv1.AggregationRule{}
		}
		for _, sel := range want.AggregationRule.ClusterRoleSelectors {
			if !containsSelector(cur.AggregationRule.ClusterRoleSelectors, sel) {
				cur.AggregationRule.ClusterRoleSelectors = append(cur.AggregationRule.ClusterRoleSelectors, sel)
				changed = true
			}
		}
		return cur, changed
	}
	for _, r := range want.Rules {
		if !Covers(cur.Rules, r) {
			cur.Rules = append(cur.Rules, r)
			changed = true
		}
	}
	return cur, changed
}

// reconcileBinding completes cur (a copy) with want's labels, annotations
// and subjects; a different roleRef asks for a new object (nil, true).
func reconcileBinding(cur, want *rbacv1.ClusterRoleBinding) (runtime.Object, bool) {
	if protected(&cur.ObjectMeta) {
		return nil, false
	}
	if cur.RoleRef != want.RoleRef {
		return nil, true
	}
	changed := mergeMeta(&cur.ObjectMeta, &want.ObjectMeta)
	for _, s := range want.Subjects {
		found := false
		for _, c := range cur.Subjects {
			if c == s {
				found = true
				break
			}
		}
		if !found {
			cur.Subjects = append(cur.Subjects, s)
			changed = true
		}
	}
	return cur, changed
}

// mergeMeta adds want's labels and annotations that cur lacks.
func mergeMeta(cur, want *metav1.ObjectMeta) bool {
	changed := false
	for k, v := range want.Labels {
		if _, ok := cur.Labels[k]; !ok {
			if cur.Labels == nil {
				cur.Labels = map[string]string{}
			}
			cur.Labels[k] = v
			changed = true
		}
	}
	for k, v := range want.Annotations {
		if _, ok := cur.Annotations[k]; !ok {
			if cur.Annotations == nil {
				cur.Annotations = map[string]string{}
			}
			cur.Annotations[k] = v
			changed = true
		}
	}
	return changed
}

func containsSelector(sels []metav1.LabelSelector, s metav1.LabelSelector) bool {
	for _, c := range sels {
		if reflect.DeepEqual(c, s) {
			return true
		}
	}
	return false
}

// Covers reports whether rules together allow everything r allows: every
// verb on every group, resource and name of r (or every verb on every URL
// of a non-resource rule), as the escalation check counts them.
func Covers(rules []rbacv1.PolicyRule, r rbacv1.PolicyRule) bool {
	ok, _ := escalation.Covers(rules, []rbacv1.PolicyRule{r})
	return ok
}
