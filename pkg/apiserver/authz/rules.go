package authz

import (
	"context"
	"errors"
	"strings"

	"keel.dev/keel/pkg/apiserver/authn"
)

// ResourceRule allows Verbs on the Resources of the APIGroups, only on the
// objects in ResourceNames when that is not empty. "*" in any list matches
// everything.
type ResourceRule struct {
	Verbs         []string
	APIGroups     []string
	Resources     []string
	ResourceNames []string
}

// NonResourceRule allows Verbs on the NonResourceURLs paths.
type NonResourceRule struct {
	Verbs           []string
	NonResourceURLs []string
}

// Rules are what a user may do in one namespace.
type Rules struct {
	Resource    []ResourceRule
	NonResource []NonResourceRule
	// Incomplete says the user may be allowed more than the rules show.
	Incomplete bool
}

// ErrRulesNotListable is the evaluation error of an authorizer that only
// answers yes/no questions and cannot enumerate rules.
var ErrRulesNotListable = errors.New("authorizer does not support user rule resolution")

// ListRules asks a for user's rules in namespace. An authorizer that is not
// a RuleLister answers no rules, incomplete, with ErrRulesNotListable.
func ListRules(ctx context.Context, a Authorizer, user *authn.UserInfo, namespace string) (Rules, error) {
	l, ok := a.(RuleLister)
	if !ok {
		return Rules{Incomplete: true}, ErrRulesNotListable
	}
	return l.RulesFor(ctx, user, namespace)
}

// alwaysAllow is the authorizer of AlwaysAllow.
type alwaysAllow struct{}

// Authorize implements Authorizer.
func (alwaysAllow) Authorize(context.Context, Attributes) (Decision, string, error) {
	return DecisionAllow, "", nil
}

// RulesFor implements RuleLister: everything, on every resource and path.
func (alwaysAllow) RulesFor(context.Context, *authn.UserInfo, string) (Rules, error) {
	return Rules{
		Resource:    []ResourceRule{{Verbs: []string{"*"}, APIGroups: []string{"*"}, Resources: []string{"*"}}},
		NonResource: []NonResourceRule{{Verbs: []string{"*"}, NonResourceURLs: []string{"*"}}},
	}, nil
}

// alwaysDeny is the authorizer of AlwaysDeny.
type alwaysDeny struct{}

// Authorize implements Authorizer.
func (alwaysDeny) Authorize(context.Context, Attributes) (Decision, string, error) {
	return DecisionDeny, "", nil
}

// RulesFor implements RuleLister: no rules, and that is the whole list.
func (alwaysDeny) RulesFor(context.Context, *authn.UserInfo, string) (Rules, error) {
	return Rules{}, nil
}

// union is the authorizer of Union.
type union []Authorizer

// Authorize implements Authorizer: the first Allow or Deny wins.
func (u union) Authorize(ctx context.Context, a Attributes) (Decision, string, error) {
	var reasons []string
	for _, z := range u {
		d, reason, err := z.Authorize(ctx, a)
		if err != nil {
			return DecisionDeny, reason, err
		}
		if d != DecisionNoOpinion {
			return d, reason, nil
		}
		if reason != "" {
			reasons = append(reasons, reason)
		}
	}
	return DecisionNoOpinion, strings.Join(reasons, ", "), nil
}

// RulesFor implements RuleLister: the rules of every member together,
// incomplete when any member's are, with every member's error.
func (u union) RulesFor(ctx context.Context, user *authn.UserInfo, namespace string) (Rules, error) {
	var all Rules
	var errs joinedErrors
	for _, z := range u {
		r, err := ListRules(ctx, z, user, namespace)
		all.Resource = append(all.Resource, r.Resource...)
		all.NonResource = append(all.NonResource, r.NonResource...)
		all.Incomplete = all.Incomplete || r.Incomplete
		if err != nil {
			errs = append(errs, err)
		}
	}
	switch len(errs) {
	case 0:
		return all, nil
	case 1:
		return all, errs[0]
	}
	return all, errs
}

// joinedErrors reads as "[first, second]" on one line, which suits an
// evaluationError shown to users.
type joinedErrors []error

// Error implements error.
func (e joinedErrors) Error() string {
	msgs := make([]string, len(e))
	for i, err := range e {
		msgs[i] = err.Error()
	}
	return "[" + strings.Join(msgs, ", ") + "]"
}

// Unwrap lets errors.Is and errors.As see every error.
func (e joinedErrors) Unwrap() []error { return e }
