package authz

import (
	"context"
	"fmt"

	authorizationv1 "keel.dev/api/authorization/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"

	"keel.dev/keel/pkg/apiserver/authn"
	"keel.dev/keel/pkg/apiserver/registry/rest"
)

// SelfSubjectRulesReviewREST serves POST selfsubjectrulesreviews: the
// caller's rules in a namespace, as the authorizer lists them.
type SelfSubjectRulesReviewREST struct{ a Authorizer }

var _ rest.Creater = (*SelfSubjectRulesReviewREST)(nil)

// NewRulesReview returns the storage of selfsubjectrulesreviews over a. An
// authorizer that is not a RuleLister answers every review incomplete.
func NewRulesReview(a Authorizer) *SelfSubjectRulesReviewREST {
	return &SelfSubjectRulesReviewREST{a}
}

// New implements rest.Storage.
func (r *SelfSubjectRulesReviewREST) New() runtime.Object {
	return &authorizationv1.SelfSubjectRulesReview{TypeMeta: typeMeta("SelfSubjectRulesReview")}
}

// Create implements rest.Creater. Like Kubernetes, a missing namespace is
// a bad request (400, not 422), and the answer carries the status only:
// the spec asked about is not echoed back.
func (r *SelfSubjectRulesReviewREST) Create(ctx context.Context, obj runtime.Object, _ *metav1.CreateOptions) (runtime.Object, error) {
	in, ok := obj.(*authorizationv1.SelfSubjectRulesReview)
	if !ok {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("not a SelfSubjectRulesReview: %T", obj))
	}
	u, ok := authn.UserFrom(ctx)
	if !ok || u == nil {
		return nil, apierrors.NewBadRequest("no user present on request")
	}
	if in.Spec.Namespace == "" {
		return nil, apierrors.NewBadRequest("no namespace on request")
	}
	rules, err := ListRules(ctx, r.a, u, in.Spec.Namespace)
	out := &authorizationv1.SelfSubjectRulesReview{TypeMeta: typeMeta("SelfSubjectRulesReview")}
	out.Status = rulesStatus(rules)
	if err != nil {
		out.Status.EvaluationError = err.Error()
	}
	return out, nil
}

// rulesStatus words rules as a review status. The rule lists are never
// null on the wire, even when empty.
func rulesStatus(rules Rules) authorizationv1.SubjectRulesReviewStatus {
	st := authorizationv1.SubjectRulesReviewStatus{
		ResourceRules:    make([]authorizationv1.ResourceRule, 0, len(rules.Resource)),
		NonResourceRules: make([]authorizationv1.NonResourceRule, 0, len(rules.NonResource)),
		Incomplete:       rules.Incomplete,
	}
	for _, rr := range rules.Resource {
		st.ResourceRules = append(st.ResourceRules, authorizationv1.ResourceRule{
			Verbs:         cloneStrings(rr.Verbs),
			APIGroups:     cloneStrings(rr.APIGroups),
			Resources:     cloneStrings(rr.Resources),
			ResourceNames: cloneStrings(rr.ResourceNames),
		})
	}
	for _, nr := range rules.NonResource {
		st.NonResourceRules = append(st.NonResourceRules, authorizationv1.NonResourceRule{
			Verbs:           cloneStrings(nr.Verbs),
			NonResourceURLs: cloneStrings(nr.NonResourceURLs),
		})
	}
	return st
}

// cloneStrings copies s, keeping nil as nil.
func cloneStrings(s []string) []string {
	if s == nil {
		return nil
	}
	return append([]string{}, s...)
}
