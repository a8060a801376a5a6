// Package authn authenticates API requests: x509 client certificates signed
// by the client CA, bearer tokens from a static token file, and optionally
// anonymous requests. The authenticated user travels in the request context.
//
// Every user found by a credential gets the group system:authenticated; the
// anonymous user is system:anonymous in system:unauthenticated. A request
// whose credentials are present but wrong is refused even when anonymous
// access is on, as Kubernetes does.
//
// TokenReviewREST serves authentication.k8s.io/v1 TokenReviews: it asks
// the token reviewers (the token file, service account tokens) about one
// token and the audiences the review names.
package authn
