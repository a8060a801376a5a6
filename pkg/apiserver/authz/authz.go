package authz

import (
	"cmp"
	"context"
	"fmt"

	"keel.dev/keel/pkg/apiserver/authn"
	"keel.dev/keel/pkg/apiserver/request"
)

// Decision is an authorizer's verdict.
type Decision int

// The decisions. NoOpinion lets a later authorizer in a chain decide; a
// request nobody allows is denied.
const (
	DecisionDeny Decision = iota
	DecisionAllow
	DecisionNoOpinion
)

// String names the decision.
func (d Decision) String() string {
	switch d {
	case DecisionAllow:
		return "Allow"
	case DecisionNoOpinion:
		return "NoOpinion"
	default:
		return "Deny"
	}
}

// Attributes describe a request to authorize.
type Attributes struct {
	// User making the request.
	User *authn.UserInfo
	// Verb is the API verb (get, list, watch, create, …) for resource
	// requests and the lower-case HTTP method otherwise.
	Verb string
	// ResourceRequest tells resource requests from non-resource paths.
	ResourceRequest bool
	// Namespace, APIGroup, APIVersion, Resource, Subresource and Name locate
	// a resource request.
	Namespace   string
	APIGroup    string
	APIVersion  string
	Resource    string
	Subresource string
	Name        string
	// Path is the URL path (what non-resource rules match).
	Path string
}

// AttributesFor builds the attributes of a parsed request made by user.
func AttributesFor(user *authn.UserInfo, info *request.Info) Attributes {
	return Attributes{
		User:            user,
		Verb:            info.Verb,
		ResourceRequest: info.IsResourceRequest,
		Namespace:       info.Namespace,
		APIGroup:        info.APIGroup,
		APIVersion:      info.APIVersion,
		Resource:        info.Resource,
		Subresource:     info.Subresource,
		Name:            cmp.Or(info.Name, info.SelectorName),
		Path:            info.Path,
	}
}

// Authorizer decides whether a request may proceed. reason explains a
// denial to the user (it is appended to the 403 message). Implementations
// are safe for concurrent use; an error is treated as a denial.
type Authorizer interface {
	Authorize(ctx context.Context, a Attributes) (d Decision, reason string, err error)
}

// AuthorizerFunc adapts a function to Authorizer.
type AuthorizerFunc func(ctx context.Context, a Attributes) (Decision, string, error)

// Authorize calls f.
func (f AuthorizerFunc) Authorize(ctx context.Context, a Attributes) (Decision, string, error) {
	return f(ctx, a)
}

// RuleLister is implemented by authorizers that can also enumerate the
// rules a user has in a namespace, which SelfSubjectRulesReview reports
// (rules.go). An error explains why the rules are incomplete; the rules
// returned with it still hold.
type RuleLister interface {
	RulesFor(ctx context.Context, user *authn.UserInfo, namespace string) (Rules, error)
}

// AlwaysAllow allows every request; as a RuleLister it grants everything.
func AlwaysAllow() Authorizer { return alwaysAllow{} }

// AlwaysDeny denies every request and lists no rules; useful in tests.
func AlwaysDeny() Authorizer { return alwaysDeny{} }

// Union asks each authorizer in order; the first Allow or Deny wins, and a
// request every authorizer has no opinion on is left NoOpinion. As a
// RuleLister it lists the rules of all of them.
func Union(auths ...Authorizer) Authorizer {
	return union(append([]Authorizer(nil), auths...))
}

// ForbiddenMessage words a denial as Kubernetes does, without the leading
// `<resource> "<name>" is forbidden: ` part:
// `User "u" cannot get resource "pods" in API group "" in the namespace "ns"`.
func ForbiddenMessage(a Attributes) string {
	user := ""
	if a.User != nil {
		user = a.User.Name
	}
	if !a.ResourceRequest {
		return fmt.Sprintf("User %q cannot %s path %q", user, a.Verb, a.Path)
	}
	res := a.Resource
	if a.Subresource != "" {
		res += "/" + a.Subresource
	}
	if a.Namespace != "" {
		return fmt.Sprintf("User %q cannot %s resource %q in API group %q in the namespace %q", user, a.Verb, res, a.APIGroup, a.Namespace)
	}
	return fmt.Sprintf("User %q cannot %s resource %q in API group %q at the cluster scope", user, a.Verb, res, a.APIGroup)
}
