package authz

import (
	"context"
	"testing"

	"keel.dev/keel/pkg/apiserver/authn"
)

func TestPrivilegedGroups(t *testing.T) {
	z := PrivilegedGroups(authn.SystemMasters)
	cases := []struct {
		name string
		user *authn.UserInfo
		want Decision
	}{
		{"a member is allowed", &authn.UserInfo{Name: "admin", Groups: []string{"system:authenticated", "system:masters"}}, DecisionAllow},
		{"a non-member has no opinion", &authn.UserInfo{Name: "bob", Groups: []string{"system:authenticated"}}, DecisionNoOpinion},
		{"a user named like the group is not a member", &authn.UserInfo{Name: "system:masters"}, DecisionNoOpinion},
		{"no user has no opinion", nil, DecisionNoOpinion},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, _, err := z.Authorize(context.Background(), Attributes{User: c.user, Verb: "delete", ResourceRequest: true, Resource: "nodes"})
			if err != nil || d != c.want {
				t.Errorf("decision %v err %v, want %v", d, err, c.want)
			}
		})
	}
	t.Run("it lists no rules of its own, completely", func(t *testing.T) {
		r, err := ListRules(context.Background(), Union(z, AlwaysDeny()), &authn.UserInfo{Name: "admin", Groups: []string{"system:masters"}}, "ns")
		if err != nil || r.Incomplete || len(r.Resource)+len(r.NonResource) != 0 {
			t.Errorf("rules = %+v, err %v", r, err)
		}
	})
}
