package authz

import (
	"context"

	"keel.dev/keel/pkg/apiserver/authn"
)

// PrivilegedGroups allows every request of a member of any of groups and
// has no opinion on the others. The apiserver puts it first, ahead of the
// configured modes, for system:masters, as Kubernetes does. As a
// RuleLister it adds no rules: the privileged users' rules are whatever
// the other authorizers list for them.
func PrivilegedGroups(groups ...string) Authorizer {
	return privileged(append([]string(nil), groups...))
}

// privileged is the authorizer of PrivilegedGroups.
type privileged []string

// Authorize implements Authorizer.
func (p privileged) Authorize(_ context.Context, a Attributes) (Decision, string, error) {
	if a.User != nil {
		for _, g := range p {
			if a.User.InGroup(g) {
				return DecisionAllow, "", nil
			}
		}
	}
	return DecisionNoOpinion, "", nil
}

// RulesFor implements RuleLister: no rules of its own, complete.
func (privileged) RulesFor(context.Context, *authn.UserInfo, string) (Rules, error) {
	return Rules{}, nil
}
