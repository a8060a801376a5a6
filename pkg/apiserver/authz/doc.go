// Package authz decides whether an authenticated user may perform a request.
// Authorizers see Attributes built from the parsed request and the user; the
// apiserver's filter answers 403 Forbidden, worded as Kubernetes words it,
// when the decision is not Allow. RBAC plugs in behind the same interface.
//
// The same authorizer answers the authorization.k8s.io/v1 access reviews
// (review.go): SubjectAccessReview, LocalSubjectAccessReview and
// SelfSubjectAccessReview, which `kubectl auth can-i` asks.
package authz
