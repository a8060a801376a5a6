package authn

import (
	"context"
	"fmt"
	"slices"
	"strings"

	authenticationv1 "keel.dev/api/authentication/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"

	"keel.dev/keel/pkg/apiserver/registry/rest"
)

// TokenReviewer checks one bearer token for a TokenReview. The TokenReview
// storage calls it, concurrently, once per review.
type TokenReviewer interface {
	// ReviewToken returns the token's user when it knows the token (ok).
	// audiences are those the review asks for (the server's own when the
	// review names none); auds are those of them the token is valid for,
	// nil from a reviewer whose tokens have no audience. A token it does
	// not recognise gives ok false and no error; a recognised but invalid
	// one gives an error.
	ReviewToken(ctx context.Context, token string, audiences []string) (u *UserInfo, auds []string, ok bool, err error)
}

// ReviewToken implements TokenReviewer; static tokens have no audience.
func (tf *TokenFile) ReviewToken(_ context.Context, token string, _ []string) (*UserInfo, []string, bool, error) {
	u := tf.tokens[token]
	if u == nil {
		return nil, nil, false, nil
	}
	cp := *u
	cp.Groups = slices.Clone(u.Groups)
	return &cp, nil, true, nil
}

var _ TokenReviewer = (*TokenFile)(nil)

// TokenReviewREST serves POST tokenreviews (authentication.k8s.io/v1).
type TokenReviewREST struct {
	reviewers    []TokenReviewer
	apiAudiences []string
}

var _ rest.Creater = (*TokenReviewREST)(nil)

// NewTokenReviewREST returns the tokenreviews storage: it asks reviewers
// in order, and apiAudiences are the audiences of tokens meant for this
// server (those a review naming none checks, and the only ones a token
// without audiences is valid for).
func NewTokenReviewREST(apiAudiences []string, reviewers ...TokenReviewer) *TokenReviewREST {
	return &TokenReviewREST{reviewers: reviewers, apiAudiences: slices.Clone(apiAudiences)}
}

// New implements rest.Storage.
func (r *TokenReviewREST) New() runtime.Object {
	return &authenticationv1.TokenReview{TypeMeta: metav1.TypeMeta{APIVersion: "authentication.k8s.io/v1", Kind: "TokenReview"}}
}

// Create implements rest.Creater: it fills the review's status.
func (r *TokenReviewREST) Create(ctx context.Context, obj runtime.Object, _ *metav1.CreateOptions) (runtime.Object, error) {
	in, ok := obj.(*authenticationv1.TokenReview)
	if !ok {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("not a TokenReview: %T", obj))
	}
	if in.Spec.Token == "" {
		return nil, apierrors.NewBadRequest("token is required for TokenReview in authentication")
	}
	out := in.DeepCopy()
	out.TypeMeta = metav1.TypeMeta{APIVersion: "authentication.k8s.io/v1", Kind: "TokenReview"}
	out.Status = r.review(ctx, in.Spec.Token, in.Spec.Audiences)
	return out, nil
}

// review authenticates token for audiences (the API audiences when empty).
func (r *TokenReviewREST) review(ctx context.Context, token string, audiences []string) authenticationv1.TokenReviewStatus {
	if len(audiences) == 0 {
		audiences = r.apiAudiences
	}
	var errs []error
	for _, rv := range r.reviewers {
		u, auds, ok, err := rv.ReviewToken(ctx, token, audiences)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !ok {
			continue
		}
		if auds == nil {
			// A token without audiences is meant for this server only.
			auds = intersect(audiences, r.apiAudiences)
			if len(auds) == 0 && len(r.apiAudiences) > 0 {
				continue
			}
		}
		return authenticationv1.TokenReviewStatus{Authenticated: true, User: userInfoOf(u), Audiences: auds}
	}
	st := authenticationv1.TokenReviewStatus{}
	switch len(errs) {
	case 0:
	case 1:
		st.Error = errs[0].Error()
	default:
		msgs := make([]string, len(errs))
		for i, e := range errs {
			msgs[i] = e.Error()
		}
		st.Error = "[" + strings.Join(msgs, ", ") + "]"
	}
	return st
}

func intersect(a, b []string) []string {
	var out []string
	for _, x := range a {
		if slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

// userInfoOf is u as a TokenReview reports it, in system:authenticated.
func userInfoOf(u *UserInfo) authenticationv1.UserInfo {
	out := authenticationv1.UserInfo{Username: u.Name, UID: u.UID, Groups: slices.Clone(u.Groups)}
	if !slices.Contains(out.Groups, AllAuthenticated) {
		out.Groups = append(out.Groups, AllAuthenticated)
	}
	if len(u.Extra) > 0 {
		out.Extra = map[string]authenticationv1.ExtraValue{}
		for k, v := range u.Extra {
			out.Extra[k] = authenticationv1.ExtraValue(slices.Clone(v))
		}
	}
	return out
}
