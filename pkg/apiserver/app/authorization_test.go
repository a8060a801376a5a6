package app

import (
	"context"
	"strings"
	"testing"

	"keel.dev/keel/pkg/apiserver/authn"
	"keel.dev/keel/pkg/apiserver/authz"
)

func TestNewAuthorization(t *testing.T) {
	admin := &authn.UserInfo{Name: "admin", Groups: []string{"system:masters"}}
	bob := &authn.UserInfo{Name: "bob", Groups: []string{"system:authenticated"}}
	node := &authn.UserInfo{Name: "system:node:n1", Groups: []string{"system:nodes"}}
	getNodes := authz.Attributes{Verb: "get", ResourceRequest: true, Resource: "nodes", Name: "n1"}
	cases := []struct {
		name  string
		modes []string
		user  *authn.UserInfo
		want  authz.Decision
		rbac  bool
	}{
		{"no modes allow everybody", nil, bob, authz.DecisionAllow, false},
		{"AlwaysDeny denies everybody else", []string{"AlwaysDeny"}, bob, authz.DecisionDeny, false},
		{"system:masters is allowed before AlwaysDeny", []string{"AlwaysDeny"}, admin, authz.DecisionAllow, false},
		{"the modes are asked in order", []string{"AlwaysDeny", "AlwaysAllow"}, bob, authz.DecisionDeny, false},
		{"Node allows a node", []string{"Node", "AlwaysDeny"}, node, authz.DecisionAllow, false},
		{"Node has no opinion on others", []string{"Node", "AlwaysDeny"}, bob, authz.DecisionDeny, false},
		{"RBAC needs a policy cache", []string{"Node", "RBAC"}, admin, authz.DecisionAllow, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, err := newAuthorization(c.modes, nil)
			if err != nil {
				t.Fatal(err)
			}
			if (a.cache != nil) != c.rbac {
				t.Errorf("policy cache = %v, want one: %v", a.cache, c.rbac)
			}
			at := getNodes
			at.User = c.user
			if d, _, err := a.authorizer.Authorize(context.Background(), at); err != nil || d != c.want {
				t.Errorf("decision %v err %v, want %v", d, err, c.want)
			}
		})
	}
	t.Run("an unknown mode stops the start naming it", func(t *testing.T) {
		cfg := testConfig(t, t.TempDir(), nil)
		cfg.AuthorizationModes = []string{"RBAC", "ABCD"}
		_, err := Start(context.Background(), cfg)
		if err == nil || !strings.Contains(err.Error(), `authorization-mode "ABCD" is not a valid mode`) {
			t.Fatalf("err = %v", err)
		}
	})
}
