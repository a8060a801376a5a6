package printers

import (
	"fmt"
	"strings"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime/schema"

	rbacv1 "keel.dev/api/rbac/v1"
)

func rbac(resource string) schema.GroupResource {
	return schema.GroupResource{Group: "rbac.authorization.k8s.io", Resource: resource}
}

var (
	roleColumns = []metav1.TableColumnDefinition{
		nameColumn,
		{Name: "Created At", Type: "date", Description: "When the object was created."},
	}
	bindingColumns = []metav1.TableColumnDefinition{
		nameColumn,
		str("Role", "The bound role, as Kind/name."),
		ageColumn,
		wide(str("Users", "Users the role is granted to.")),
		wide(str("Groups", "Groups the role is granted to.")),
		wide(str("ServiceAccounts", "Service accounts the role is granted to, as namespace/name.")),
	}
)

func addRBACHandlers(p *Printers) {
	add(p, rbac("roles"), roleColumns, func(_ *Printers, r *rbacv1.Role) ([]any, error) {
		return []any{r.Name, createdAt(r.CreationTimestamp)}, nil
	})
	add(p, rbac("clusterroles"), roleColumns, func(_ *Printers, r *rbacv1.ClusterRole) ([]any, error) {
		return []any{r.Name, createdAt(r.CreationTimestamp)}, nil
	})
	add(p, rbac("rolebindings"), bindingColumns, func(p *Printers, b *rbacv1.RoleBinding) ([]any, error) {
		return bindingCells(p, b.ObjectMeta, b.RoleRef, b.Subjects), nil
	})
	add(p, rbac("clusterrolebindings"), bindingColumns, func(p *Printers, b *rbacv1.ClusterRoleBinding) ([]any, error) {
		return bindingCells(p, b.ObjectMeta, b.RoleRef, b.Subjects), nil
	})
}

func bindingCells(p *Printers, m metav1.ObjectMeta, ref rbacv1.RoleRef, subjects []rbacv1.Subject) []any {
	var users, groups, sas []string
	for _, s := range subjects {
		switch s.Kind {
		case rbacv1.ServiceAccountKind:
			sas = append(sas, fmt.Sprintf("%s/%s", s.Namespace, s.Name))
		case rbacv1.UserKind:
			users = append(users, s.Name)
		case rbacv1.GroupKind:
			groups = append(groups, s.Name)
		}
	}
	return []any{
		m.Name, ref.Kind + "/" + ref.Name, p.since(m.CreationTimestamp),
		strings.Join(users, ", "), strings.Join(groups, ", "), strings.Join(sas, ", "),
	}
}
