package rbac_test

import (
	"context"
	"fmt"
	"testing"

	rbacv1 "keel.dev/api/rbac/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/watch"

	"keel.dev/keel/pkg/apiserver/authn"
	"keel.dev/keel/pkg/apiserver/authz"
	"keel.dev/keel/pkg/apiserver/authz/rbac"
	"keel.dev/keel/pkg/apiserver/authz/rbac/bootstrappolicy"
)

// staticLW lists fixed objects and never changes.
type staticLW []runtime.Object

func (s staticLW) List(context.Context) ([]runtime.Object, uint64, error) { return s, 1, nil }
func (s staticLW) Watch(context.Context, uint64) (watch.Interface, error) {
	return watch.NewFake(), nil
}

// BenchmarkAuthorize measures one decision over the bootstrap policy plus
// 200 RoleBindings in the request's namespace, through the Cache.
func BenchmarkAuthorize(b *testing.B) {
	var crs, crbs, rbs staticLW
	for _, r := range bootstrappolicy.ClusterRoles() {
		crs = append(crs, &r)
	}
	view := &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: "view"}, Rules: []rbacv1.PolicyRule{
		{Verbs: []string{"get", "list", "watch"}, APIGroups: []string{""}, Resources: []string{"pods"}}}}
	crs = append(crs, view)
	for _, x := range bootstrappolicy.ClusterRoleBindings() {
		crbs = append(crbs, &x)
	}
	for i := range 200 {
		rbs = append(rbs, &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Namespace: "team", Name: fmt.Sprintf("rb-%03d", i)},
			RoleRef:  rbacv1.RoleRef{Kind: "ClusterRole", Name: "view"},
			Subjects: []rbacv1.Subject{{Kind: "User", Name: fmt.Sprintf("user-%03d", i)}}})
	}
	c := rbac.NewCache(nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go c.Run(ctx, rbac.ListWatchers{Roles: staticLW{}, RoleBindings: rbs, ClusterRoles: crs, ClusterRoleBindings: crbs})
	if err := c.WaitForSync(ctx); err != nil {
		b.Fatal(err)
	}
	z := rbac.New(c)
	cases := []struct {
		name string
		a    authz.Attributes
		want authz.Decision
	}{
		{"allowed by the last RoleBinding", authz.Attributes{User: &authn.UserInfo{Name: "user-199", Groups: []string{"system:authenticated"}},
			Verb: "list", ResourceRequest: true, Namespace: "team", Resource: "pods"}, authz.DecisionAllow},
		{"denied", authz.Attributes{User: &authn.UserInfo{Name: "nobody", Groups: []string{"system:authenticated"}},
			Verb: "list", ResourceRequest: true, Namespace: "team", Resource: "pods"}, authz.DecisionNoOpinion},
		{"discovery path", authz.Attributes{User: &authn.UserInfo{Name: "nobody", Groups: []string{"system:authenticated"}},
			Verb: "get", Path: "/apis/apps/v1"}, authz.DecisionAllow},
	}
	for _, bc := range cases {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if d, _, _ := z.Authorize(ctx, bc.a); d != bc.want {
					b.Fatalf("decision %v, want %v", d, bc.want)
				}
			}
		})
	}
}
