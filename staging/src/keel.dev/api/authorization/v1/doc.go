// Package v1 holds the authorization.k8s.io/v1 API: SubjectAccessReview,
// LocalSubjectAccessReview and SelfSubjectAccessReview, the questions
// "may this user do that?" the apiserver answers with its authorizer, and
// SelfSubjectRulesReview, "what may I do in this namespace?".
package v1
