package rbac

import (
	"context"
	"testing"

	"keel.dev/keel/pkg/apiserver/authn"
	"keel.dev/keel/pkg/apiserver/authz"
)

func TestNodeAuthorizer(t *testing.T) {
	node := &authn.UserInfo{Name: "system:node:n1", Groups: []string{"system:nodes", "system:authenticated"}}
	impostor := &authn.UserInfo{Name: "system:node:n1", Groups: []string{"system:authenticated"}}
	stray := &authn.UserInfo{Name: "kubelet", Groups: []string{"system:nodes"}}
	at := func(u *authn.UserInfo, a authz.Attributes) authz.Attributes { a.User = u; return a }
	cases := []struct {
		name   string
		a      authz.Attributes
		want   authz.Decision
		reason string
	}{
		{"a node reports its status", at(node, res("patch", "", "nodes", "status", "n1")), authz.DecisionAllow, ""},
		{"a node updates pod status", at(node, res("update", "", "pods", "status", "p")), authz.DecisionAllow, ""},
		{"a node renews its lease", at(node, res("update", "coordination.k8s.io", "leases", "", "n1")), authz.DecisionAllow, ""},
		{"a node reads secrets", at(node, res("get", "", "secrets", "", "s")), authz.DecisionAllow, ""},
		{"a node requests a service account token", at(node, res("create", "", "serviceaccounts", "token", "default")), authz.DecisionAllow, ""},
		{"a node may not delete nodes", at(node, res("delete", "", "nodes", "", "n2")), authz.DecisionNoOpinion, ""},
		{"a node may not write secrets", at(node, res("create", "", "secrets", "", "")), authz.DecisionNoOpinion, ""},
		{"a user named like a node outside system:nodes is not a node", at(impostor, res("get", "", "secrets", "", "s")), authz.DecisionNoOpinion, ""},
		{"a member of system:nodes without a node name", at(stray, res("get", "", "nodes", "", "n1")), authz.DecisionNoOpinion, `unknown node for user "kubelet"`},
		{"no user", res("get", "", "nodes", "", "n1"), authz.DecisionNoOpinion, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, reason, err := NewNodeAuthorizer().Authorize(context.Background(), c.a)
			if err != nil || d != c.want || reason != c.reason {
				t.Errorf("got %v %q %v, want %v %q", d, reason, err, c.want, c.reason)
			}
		})
	}
	t.Run("a node lists its rules, others none", func(t *testing.T) {
		r, err := NewNodeAuthorizer().RulesFor(context.Background(), node, "default")
		if err != nil || len(r.Resource) != len(NodeRules()) || r.Incomplete {
			t.Errorf("node rules = %+v, %v", r, err)
		}
		r, err = NewNodeAuthorizer().RulesFor(context.Background(), impostor, "default")
		if err != nil || len(r.Resource) != 0 {
			t.Errorf("non-node rules = %+v, %v", r, err)
		}
	})
}
