package authn

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	authenticationv1 "keel.dev/api/authentication/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
)

// fakeReviewer knows one token, valid for auds (nil: no audiences).
type fakeReviewer struct {
	token string
	user  *UserInfo
	auds  []string
	err   error
}

func (f fakeReviewer) ReviewToken(_ context.Context, token string, audiences []string) (*UserInfo, []string, bool, error) {
	if f.err != nil {
		return nil, nil, false, f.err
	}
	if token != f.token {
		return nil, nil, false, nil
	}
	if f.auds == nil {
		return f.user, nil, true, nil
	}
	got := intersect(audiences, f.auds)
	if len(got) == 0 {
		return nil, nil, false, errors.New("wrong audience")
	}
	return f.user, got, true, nil
}

func TestTokenReviewREST(t *testing.T) {
	static, err := ParseTokens(strings.NewReader("s3cret,alice,42,\"dev\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	jwt := fakeReviewer{token: "jwt", user: &UserInfo{Name: "system:serviceaccount:ns:sa", Groups: []string{"system:serviceaccounts"},
		Extra: map[string][]string{"authentication.kubernetes.io/pod-name": {"p"}}}, auds: []string{"api", "vault"}}
	api := []string{"api"}
	cases := []struct {
		name      string
		reviewers []TokenReviewer
		token     string
		audiences []string
		want      authenticationv1.TokenReviewStatus
	}{
		{name: "a static token is valid for the API audiences", reviewers: []TokenReviewer{static, jwt}, token: "s3cret",
			want: authenticationv1.TokenReviewStatus{Authenticated: true, Audiences: []string{"api"},
				User: authenticationv1.UserInfo{Username: "alice", UID: "42", Groups: []string{"dev", "system:authenticated"}}}},
		{name: "a static token is not valid for another audience", reviewers: []TokenReviewer{static}, token: "s3cret", audiences: []string{"vault"}},
		{name: "a token with audiences reports those asked for", reviewers: []TokenReviewer{static, jwt}, token: "jwt", audiences: []string{"vault", "x"},
			want: authenticationv1.TokenReviewStatus{Authenticated: true, Audiences: []string{"vault"},
				User: authenticationv1.UserInfo{Username: "system:serviceaccount:ns:sa", Groups: []string{"system:serviceaccounts", "system:authenticated"},
					Extra: map[string]authenticationv1.ExtraValue{"authentication.kubernetes.io/pod-name": {"p"}}}}},
		{name: "an unknown token is not authenticated and has no error", reviewers: []TokenReviewer{static, jwt}, token: "nope"},
		{name: "errors of several reviewers are listed", reviewers: []TokenReviewer{fakeReviewer{err: errors.New("bad one")}, fakeReviewer{err: errors.New("bad two")}},
			token: "x", want: authenticationv1.TokenReviewStatus{Error: "[bad one, bad two]"}},
		{name: "one reviewer's error does not hide another's success", reviewers: []TokenReviewer{fakeReviewer{err: errors.New("bad")}, static}, token: "s3cret",
			want: authenticationv1.TokenReviewStatus{Authenticated: true, Audiences: []string{"api"},
				User: authenticationv1.UserInfo{Username: "alice", UID: "42", Groups: []string{"dev", "system:authenticated"}}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := NewTokenReviewREST(api, c.reviewers...)
			in := &authenticationv1.TokenReview{Spec: authenticationv1.TokenReviewSpec{Token: c.token, Audiences: c.audiences}}
			out, err := r.Create(context.Background(), in, nil)
			if err != nil {
				t.Fatal(err)
			}
			tr := out.(*authenticationv1.TokenReview)
			if tr.Kind != "TokenReview" || tr.APIVersion != "authentication.k8s.io/v1" || tr.Spec.Token != c.token {
				t.Errorf("review = %+v", tr)
			}
			if !reflect.DeepEqual(tr.Status, c.want) {
				t.Errorf("status = %+v\nwant     %+v", tr.Status, c.want)
			}
		})
	}
	t.Run("a review without a token is a bad request", func(t *testing.T) {
		_, err := NewTokenReviewREST(api, static).Create(context.Background(), &authenticationv1.TokenReview{}, nil)
		if !apierrors.IsBadRequest(err) {
			t.Errorf("err = %v, want BadRequest", err)
		}
	})
}
