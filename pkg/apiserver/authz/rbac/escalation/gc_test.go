package escalation

import (
	"testing"
	"time"

	rbacv1 "keel.dev/api/rbac/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
)

func TestOnlyGCFieldsChange(t *testing.T) {
	created := metav1.NewTime(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	base := func() *rbacv1.RoleBinding {
		return &rbacv1.RoleBinding{
			ObjectMeta: metav1.ObjectMeta{Name: "b", Namespace: "ns", ResourceVersion: "7", CreationTimestamp: created,
				Labels: map[string]string{"a": "b"}},
			RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "view"},
			Subjects: []rbacv1.Subject{{Kind: "User", Name: "bob"}},
		}
	}
	cases := []struct {
		name   string
		change func(b *rbacv1.RoleBinding)
		want   bool
	}{
		{"no change at all", func(*rbacv1.RoleBinding) {}, true},
		{"owner references, finalizers and managed fields", func(b *rbacv1.RoleBinding) {
			b.OwnerReferences = []metav1.OwnerReference{{APIVersion: "v1", Kind: "Namespace", Name: "ns", UID: "u"}}
			b.Finalizers = []string{"orphan"}
			b.ManagedFields = []metav1.ManagedFieldsEntry{{Manager: "gc", Operation: metav1.ManagedFieldsOperationUpdate}}
			b.APIVersion, b.Kind = "rbac.authorization.k8s.io/v1", "RoleBinding"
		}, true},
		{"an empty list where there was none", func(b *rbacv1.RoleBinding) { b.Annotations = map[string]string{} }, true},
		{"the same instant in another zone", func(b *rbacv1.RoleBinding) {
			b.CreationTimestamp = metav1.NewTime(created.In(time.FixedZone("x", 3600)))
		}, true},
		{"a label", func(b *rbacv1.RoleBinding) { b.Labels["a"] = "c" }, false},
		{"a subject", func(b *rbacv1.RoleBinding) {
			b.Subjects = append(b.Subjects, rbacv1.Subject{Kind: "User", Name: "eve"})
		}, false},
		{"no subjects", func(b *rbacv1.RoleBinding) { b.Subjects = nil }, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			obj := base()
			c.change(obj)
			if got := onlyGCFieldsChange(obj, base()); got != c.want {
				t.Errorf("onlyGCFieldsChange = %v, want %v", got, c.want)
			}
		})
	}
}
