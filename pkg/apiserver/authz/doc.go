// Package authz decides whether an authenticated user may perform a request.
// Authorizers see Attributes built from the parsed request and the user; the
// apiserver's filter answers 403 Forbidden, worded as Kubernetes words it,
// when the decision is not Allow. The apiserver asks a Union of the modes
// of --authorization-mode (AlwaysAllow, AlwaysDeny, and RBAC and Node from
// package rbac) behind PrivilegedGroups, which allows system:masters first.
//
// The same authorizer answers the authorization.k8s.io/v1 access reviews
// (review.go): SubjectAccessReview, LocalSubjectAccessReview and
// SelfSubjectAccessReview, which `kubectl auth can-i` asks. Authorizers that
// can also enumerate a user's rules implement RuleLister (rules.go); those
// rules answer SelfSubjectRulesReview (rulesreview.go), which
// `kubectl auth can-i --list` asks, and any other authorizer's answer is
// marked incomplete.
package authz
