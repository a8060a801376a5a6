package escalation

import (
	"context"
	"errors"
	"net/http"
	"testing"

	rbacv1 "keel.dev/api/rbac/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"

	"keel.dev/keel/pkg/apiserver/authn"
	"keel.dev/keel/pkg/apiserver/authz"
	"keel.dev/keel/pkg/apiserver/request"
)

// fakeRules lists fixed rules per namespace ("" cluster wide; a namespace
// also gets the cluster-wide ones) and records the namespaces asked.
type fakeRules struct {
	byNS  map[string][]rbacv1.PolicyRule
	err   error
	asked []string
}

func (f *fakeRules) RulesFor(_ context.Context, _ *authn.UserInfo, ns string) (authz.Rules, error) {
	f.asked = append(f.asked, ns)
	var out authz.Rules
	add := func(rules []rbacv1.PolicyRule) {
		for _, r := range rules {
			if len(r.NonResourceURLs) > 0 {
				out.NonResource = append(out.NonResource, authz.NonResourceRule{Verbs: r.Verbs, NonResourceURLs: r.NonResourceURLs})
			} else {
				out.Resource = append(out.Resource, authz.ResourceRule{Verbs: r.Verbs, APIGroups: r.APIGroups, Resources: r.Resources, ResourceNames: r.ResourceNames})
			}
		}
	}
	add(f.byNS[""])
	if ns != "" {
		add(f.byNS[ns])
	}
	return out, f.err
}

// fakeRoles resolves roleRefs from maps keyed "ns/name" (Roles) and name.
type fakeRoles struct {
	roles        map[string][]rbacv1.PolicyRule
	clusterRoles map[string][]rbacv1.PolicyRule
}

func (f fakeRoles) RoleRules(_ context.Context, ref rbacv1.RoleRef, ns string) ([]rbacv1.PolicyRule, error) {
	if ref.Kind == "Role" {
		if r, ok := f.roles[ns+"/"+ref.Name]; ok {
			return r, nil
		}
		return nil, apierrors.NewNotFound(rolesGR, ref.Name)
	}
	if r, ok := f.clusterRoles[ref.Name]; ok {
		return r, nil
	}
	return nil, apierrors.NewNotFound(clusterRolesGR, ref.Name)
}

// allowOnly is an authorizer allowing exactly the listed attributes
// (compared without the user) and recording every question.
type allowOnly struct {
	allowed []authz.Attributes
	asked   []authz.Attributes
}

func (a *allowOnly) Authorize(_ context.Context, at authz.Attributes) (authz.Decision, string, error) {
	at.User = nil
	a.asked = append(a.asked, at)
	for _, x := range a.allowed {
		if x == at {
			return authz.DecisionAllow, "", nil
		}
	}
	return authz.DecisionNoOpinion, "", nil
}

var (
	bob    = &authn.UserInfo{Name: "bob", Groups: []string{authn.AllAuthenticated}}
	admin  = &authn.UserInfo{Name: "admin", Groups: []string{authn.SystemMasters, authn.AllAuthenticated}}
	podsRW = pr(s("get", "list", "create"), s(""), s("pods"))
	podsR  = pr(s("get", "list"), s(""), s("pods"))
)

func role(ns, name string, rules ...rbacv1.PolicyRule) *rbacv1.Role {
	return &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, Rules: rules}
}

func clusterRole(name string, agg bool, rules ...rbacv1.PolicyRule) *rbacv1.ClusterRole {
	r := &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: name}, Rules: rules}
	if agg {
		r.AggregationRule = &rbacv1.AggregationRule{ClusterRoleSelectors: []metav1.LabelSelector{{MatchLabels: map[string]string{"a": "true"}}}}
	}
	return r
}

func roleBinding(ns, name, kind, role string) *rbacv1.RoleBinding {
	return &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: kind, Name: role}}
}

func clusterRoleBinding(name, role string) *rbacv1.ClusterRoleBinding {
	return &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: name},
		RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role}}
}

// reqCtx is the context of a request by u, with request info for
// resource/name in ns when resource is set.
func reqCtx(u *authn.UserInfo, resource, ns, name string) context.Context {
	ctx := context.Background()
	if u != nil {
		ctx = authn.WithUser(ctx, u)
	}
	if resource != "" {
		ctx = request.WithInfo(ctx, &request.Info{IsResourceRequest: true, APIGroup: rbacv1.GroupName, APIVersion: "v1",
			Resource: resource, Namespace: ns, Name: name})
	}
	return ctx
}

func bind(ns, resource, name string) authz.Attributes {
	return authz.Attributes{Verb: "bind", ResourceRequest: true, Namespace: ns, APIGroup: rbacv1.GroupName, Resource: resource, Name: name}
}

func escalate(ns, resource, name string) authz.Attributes {
	return authz.Attributes{Verb: "escalate", ResourceRequest: true, APIGroup: rbacv1.GroupName, APIVersion: "*", Namespace: ns, Resource: resource, Name: name}
}

const notHeld = ` is forbidden: user "bob" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:` + "\n"

func TestCheck(t *testing.T) {
	held := map[string][]rbacv1.PolicyRule{"": {podsR}, "team": {podsRW}}
	roles := fakeRoles{
		roles:        map[string][]rbacv1.PolicyRule{"team/pod-writer": {podsRW}},
		clusterRoles: map[string][]rbacv1.PolicyRule{"view": {podsR}, "edit": {podsRW}, "admin": {pr(s("*"), s("*"), s("*"))}},
	}
	everythingHeld := map[string][]rbacv1.PolicyRule{"": everything}
	cases := []struct {
		name     string
		ctx      context.Context
		held     map[string][]rbacv1.PolicyRule
		allowed  []authz.Attributes
		obj, old runtime.Object
		code     int    // 0: allowed
		message  string // when code is set
	}{
		{name: "a Role within what the user holds in its namespace is allowed",
			ctx: reqCtx(bob, "roles", "team", ""), obj: role("team", "r", podsRW)},
		{name: "a Role beyond what the user holds is forbidden, naming the missing rules",
			ctx: reqCtx(bob, "roles", "other", ""), obj: role("other", "r", podsRW, pr(s("get"), s(""), s("secrets"))),
			code: http.StatusForbidden, message: `roles.rbac.authorization.k8s.io "r"` + notHeld +
				`{APIGroups:[""], Resources:["pods"], Verbs:["create"]}` + "\n" + `{APIGroups:[""], Resources:["secrets"], Verbs:["get"]}`},
		{name: "escalate on roles in the namespace allows any Role",
			ctx: reqCtx(bob, "roles", "other", ""), allowed: []authz.Attributes{escalate("other", "roles", "")},
			obj: role("other", "r", pr(s("*"), s("*"), s("*")))},
		{name: "escalate asked for another resource than the request's does not count",
			ctx: reqCtx(bob, "rolebindings", "other", ""), allowed: []authz.Attributes{escalate("other", "rolebindings", "")},
			obj: role("other", "r", podsRW), code: http.StatusForbidden,
			message: `roles.rbac.authorization.k8s.io "r"` + notHeld + `{APIGroups:[""], Resources:["pods"], Verbs:["create"]}`},
		{name: "a ClusterRole is checked against cluster-wide rules only",
			ctx: reqCtx(bob, "clusterroles", "", ""), obj: clusterRole("c", false, podsRW), code: http.StatusForbidden,
			message: `clusterroles.rbac.authorization.k8s.io "c"` + notHeld + `{APIGroups:[""], Resources:["pods"], Verbs:["create"]}`},
		{name: "escalate named on update covers that ClusterRole",
			ctx: reqCtx(bob, "clusterroles", "", "c"), allowed: []authz.Attributes{escalate("", "clusterroles", "c")},
			obj: clusterRole("c", true, podsRW), old: clusterRole("c", false)},
		{name: "an aggregationRule needs everything even when the rules are held",
			ctx: reqCtx(bob, "clusterroles", "", ""), obj: clusterRole("agg", true), code: http.StatusForbidden,
			message: `clusterroles.rbac.authorization.k8s.io "agg" is forbidden: must have cluster-admin privileges to use the aggregationRule`},
		{name: "removing an aggregationRule needs everything too",
			ctx: reqCtx(bob, "clusterroles", "", "agg"), obj: clusterRole("agg", false, podsR), old: clusterRole("agg", true),
			code:    http.StatusForbidden,
			message: `clusterroles.rbac.authorization.k8s.io "agg" is forbidden: must have cluster-admin privileges to use the aggregationRule`},
		{name: "a user holding everything may write an aggregationRule",
			ctx: reqCtx(bob, "clusterroles", "", ""), held: everythingHeld, obj: clusterRole("agg", true)},
		{name: "system:masters writes anything",
			ctx: reqCtx(admin, "clusterroles", "", ""), obj: clusterRole("agg", true, pr(s("*"), s("*"), s("*")))},
		{name: "a request without a user is refused",
			ctx: reqCtx(nil, "roles", "team", ""), obj: role("team", "r", podsR), code: http.StatusForbidden,
			message: `roles.rbac.authorization.k8s.io "r" is forbidden: no user on context`},
		{name: "a RoleBinding to a ClusterRole whose rules the user holds in the namespace is allowed",
			ctx: reqCtx(bob, "rolebindings", "team", ""), obj: roleBinding("team", "b", "ClusterRole", "edit")},
		{name: "a RoleBinding to a Role of its namespace is resolved there",
			ctx: reqCtx(bob, "rolebindings", "team", ""), obj: roleBinding("team", "b", "Role", "pod-writer")},
		{name: "a RoleBinding to a role the user does not hold is forbidden",
			ctx: reqCtx(bob, "rolebindings", "other", ""), obj: roleBinding("other", "b", "ClusterRole", "edit"),
			code: http.StatusForbidden, message: `rolebindings.rbac.authorization.k8s.io "b"` + notHeld + `{APIGroups:[""], Resources:["pods"], Verbs:["create"]}`},
		{name: "bind on the ClusterRole in the binding's namespace allows it",
			ctx: reqCtx(bob, "rolebindings", "other", ""), allowed: []authz.Attributes{bind("other", "clusterroles", "admin")},
			obj: roleBinding("other", "b", "ClusterRole", "admin")},
		{name: "bind in another namespace does not count",
			ctx: reqCtx(bob, "rolebindings", "other", ""), allowed: []authz.Attributes{bind("team", "clusterroles", "admin")},
			obj: roleBinding("other", "b", "ClusterRole", "admin"), code: http.StatusForbidden,
			message: `rolebindings.rbac.authorization.k8s.io "b"` + notHeld + `{APIGroups:["*"], Resources:["*"], Verbs:["*"]}`},
		{name: "bind allows a binding to a missing role",
			ctx: reqCtx(bob, "rolebindings", "team", ""), allowed: []authz.Attributes{bind("team", "roles", "nosuch")},
			obj: roleBinding("team", "b", "Role", "nosuch")},
		{name: "without bind a missing role is the role's 404",
			ctx: reqCtx(bob, "rolebindings", "team", ""), obj: roleBinding("team", "b", "Role", "nosuch"),
			code: http.StatusNotFound, message: `roles.rbac.authorization.k8s.io "nosuch" not found`},
		{name: "a ClusterRoleBinding is checked against cluster-wide rules",
			ctx: reqCtx(bob, "clusterrolebindings", "", ""), obj: clusterRoleBinding("cb", "edit"), code: http.StatusForbidden,
			message: `clusterrolebindings.rbac.authorization.k8s.io "cb"` + notHeld + `{APIGroups:[""], Resources:["pods"], Verbs:["create"]}`},
		{name: "a ClusterRoleBinding with bind cluster wide is allowed",
			ctx: reqCtx(bob, "clusterrolebindings", "", ""), allowed: []authz.Attributes{bind("", "clusterroles", "admin")},
			obj: clusterRoleBinding("cb", "admin")},
		{name: "an update only changing ownerReferences and finalizers is not checked",
			ctx: reqCtx(bob, "clusterroles", "", "c"),
			obj: func() runtime.Object {
				r := clusterRole("c", true, pr(s("*"), s("*"), s("*")))
				r.Finalizers = []string{"foregroundDeletion"}
				r.OwnerReferences = []metav1.OwnerReference{{APIVersion: "v1", Kind: "ConfigMap", Name: "o", UID: "u"}}
				return r
			}(),
			old: clusterRole("c", true, pr(s("*"), s("*"), s("*")))},
		{name: "an update changing labels is checked",
			ctx: reqCtx(bob, "clusterroles", "", "c"),
			obj: func() runtime.Object {
				r := clusterRole("c", false, podsRW)
				r.Labels = map[string]string{"x": "y"}
				return r
			}(),
			old: clusterRole("c", false, podsRW), code: http.StatusForbidden,
			message: `clusterroles.rbac.authorization.k8s.io "c"` + notHeld + `{APIGroups:[""], Resources:["pods"], Verbs:["create"]}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := held
			if c.held != nil {
				h = c.held
			}
			z := &allowOnly{allowed: c.allowed}
			chk := &Checker{Authorizer: z, Rules: &fakeRules{byNS: h}, Roles: roles}
			err := chk.Check(c.ctx, c.obj, c.old)
			if c.code == 0 {
				if err != nil {
					t.Fatalf("Check: %v", err)
				}
				return
			}
			var se *apierrors.StatusError
			if !errors.As(err, &se) {
				t.Fatalf("Check = %v, want a %d Status", err, c.code)
			}
			if int(se.ErrStatus.Code) != c.code || se.ErrStatus.Message != c.message {
				t.Errorf("got %d %q\nwant %d %q", se.ErrStatus.Code, se.ErrStatus.Message, c.code, c.message)
			}
		})
	}
}

func TestCheckAsksTheRightQuestions(t *testing.T) {
	t.Run("a Role's coverage is read in its namespace, a ClusterRole's cluster wide", func(t *testing.T) {
		rules := &fakeRules{}
		chk := &Checker{Authorizer: &allowOnly{}, Rules: rules, Roles: fakeRoles{}}
		_ = chk.Check(reqCtx(bob, "roles", "team", ""), role("team", "r", podsR), nil)
		_ = chk.Check(reqCtx(bob, "clusterroles", "", ""), clusterRole("c", false, podsR), nil)
		if len(rules.asked) != 2 || rules.asked[0] != "team" || rules.asked[1] != "" {
			t.Errorf("namespaces asked = %q, want [team \"\"]", rules.asked)
		}
	})
	t.Run("a RoleBinding asks bind on the role with the binding's namespace", func(t *testing.T) {
		z := &allowOnly{}
		chk := &Checker{Authorizer: z, Rules: &fakeRules{}, Roles: fakeRoles{roles: map[string][]rbacv1.PolicyRule{"team/r": nil}}}
		if err := chk.Check(reqCtx(bob, "rolebindings", "team", ""), roleBinding("team", "b", "Role", "r"), nil); err != nil {
			t.Fatalf("binding a role without rules: %v", err)
		}
		if len(z.asked) != 1 || z.asked[0] != bind("team", "roles", "r") {
			t.Errorf("asked %+v, want one bind question", z.asked)
		}
	})
}

func TestCheckReportsResolutionErrors(t *testing.T) {
	rules := &fakeRules{err: apierrors.NewNotFound(schema.GroupResource{Group: rbacv1.GroupName, Resource: "role"}, "gone")}
	chk := &Checker{Authorizer: &allowOnly{}, Rules: rules, Roles: fakeRoles{}}
	err := chk.Check(reqCtx(bob, "roles", "team", ""), role("team", "r", podsR), nil)
	want := `roles.rbac.authorization.k8s.io "r"` + notHeld + `{APIGroups:[""], Resources:["pods"], Verbs:["get" "list"]}` +
		`; resolution errors: [role.rbac.authorization.k8s.io "gone" not found]`
	if !apierrors.IsForbidden(err) || err.Error() != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
}

func TestCheckRejectsOtherKinds(t *testing.T) {
	chk := &Checker{Authorizer: &allowOnly{}, Rules: &fakeRules{}, Roles: fakeRoles{}}
	if err := chk.Check(reqCtx(bob, "", "", ""), &metav1.Status{}, nil); err == nil {
		t.Error("Check of a Status succeeded")
	}
}
