// Package v1 holds the authentication.k8s.io/v1 API: TokenRequest (the body
// of serviceaccounts/token), TokenReview and SelfSubjectReview.
package v1
