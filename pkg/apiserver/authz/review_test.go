package authz

import (
	"context"
	"errors"
	"reflect"
	"testing"

	authorizationv1 "keel.dev/api/authorization/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"

	"keel.dev/keel/pkg/apiserver/authn"
	"keel.dev/keel/pkg/apiserver/registry/rest"
)

// judge allows alice to get pods, denies mallory, fails for "broken" and
// has no opinion otherwise; it records the last attributes.
type judge struct{ last Attributes }

func (j *judge) Authorize(_ context.Context, a Attributes) (Decision, string, error) {
	j.last = a
	switch a.User.Name {
	case "alice":
		if a.Verb == "get" && a.Resource == "pods" {
			return DecisionAllow, "alice reads pods", nil
		}
	case "mallory":
		return DecisionDeny, "mallory is banned", nil
	case "broken":
		return DecisionDeny, "", errors.New("policy unavailable")
	}
	return DecisionNoOpinion, "", nil
}

func TestAccessReviews(t *testing.T) {
	pods := &authorizationv1.ResourceAttributes{Namespace: "ns", Verb: "get", Group: "", Version: "v1", Resource: "pods", Subresource: "log", Name: "p"}
	cases := []struct {
		name  string
		user  string
		attrs *authorizationv1.ResourceAttributes
		want  authorizationv1.SubjectAccessReviewStatus
	}{
		{"an allowed action is allowed with the reason", "alice", pods, authorizationv1.SubjectAccessReviewStatus{Allowed: true, Reason: "alice reads pods"}},
		{"a denied action is denied", "mallory", pods, authorizationv1.SubjectAccessReviewStatus{Denied: true, Reason: "mallory is banned"}},
		{"an action nobody allows is neither allowed nor denied", "bob", pods, authorizationv1.SubjectAccessReviewStatus{}},
		{"an authorizer error is reported", "broken", pods, authorizationv1.SubjectAccessReviewStatus{Denied: true, EvaluationError: "policy unavailable"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			j := &judge{}
			sar, lsar, ssar := NewAccessReviews(j)
			ctx := rest.WithNamespace(context.Background(), "ns")
			out, err := sar.Create(ctx, &authorizationv1.SubjectAccessReview{Spec: authorizationv1.SubjectAccessReviewSpec{User: c.user, Groups: []string{"g"}, ResourceAttributes: c.attrs}}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := out.(*authorizationv1.SubjectAccessReview).Status; got != c.want {
				t.Errorf("SubjectAccessReview status = %+v, want %+v", got, c.want)
			}
			wantAttrs := Attributes{User: &authn.UserInfo{Name: c.user, Groups: []string{"g"}}, Verb: "get", ResourceRequest: true,
				Namespace: "ns", APIVersion: "v1", Resource: "pods", Subresource: "log", Name: "p"}
			if !reflect.DeepEqual(j.last, wantAttrs) {
				t.Errorf("attributes = %+v, want %+v", j.last, wantAttrs)
			}
			out, err = lsar.Create(ctx, &authorizationv1.LocalSubjectAccessReview{Spec: authorizationv1.SubjectAccessReviewSpec{User: c.user, ResourceAttributes: c.attrs}}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := out.(*authorizationv1.LocalSubjectAccessReview).Status; got != c.want {
				t.Errorf("LocalSubjectAccessReview status = %+v, want %+v", got, c.want)
			}
			out, err = ssar.Create(authn.WithUser(ctx, &authn.UserInfo{Name: c.user}), &authorizationv1.SelfSubjectAccessReview{Spec: authorizationv1.SelfSubjectAccessReviewSpec{ResourceAttributes: c.attrs}}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := out.(*authorizationv1.SelfSubjectAccessReview).Status; got != c.want {
				t.Errorf("SelfSubjectAccessReview status = %+v, want %+v", got, c.want)
			}
		})
	}
	t.Run("a non-resource question carries the path and verb", func(t *testing.T) {
		j := &judge{}
		sar, _, _ := NewAccessReviews(j)
		_, err := sar.Create(context.Background(), &authorizationv1.SubjectAccessReview{Spec: authorizationv1.SubjectAccessReviewSpec{User: "bob",
			NonResourceAttributes: &authorizationv1.NonResourceAttributes{Path: "/metrics", Verb: "get"}}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if j.last.ResourceRequest || j.last.Path != "/metrics" || j.last.Verb != "get" {
			t.Errorf("attributes = %+v", j.last)
		}
	})
	t.Run("a local review of another namespace is a bad request", func(t *testing.T) {
		_, lsar, _ := NewAccessReviews(&judge{})
		_, err := lsar.Create(rest.WithNamespace(context.Background(), "other"), &authorizationv1.LocalSubjectAccessReview{
			Spec: authorizationv1.SubjectAccessReviewSpec{User: "bob", ResourceAttributes: pods}}, nil)
		if !apierrors.IsBadRequest(err) {
			t.Errorf("err = %v, want BadRequest", err)
		}
	})
	t.Run("both kinds of attributes are invalid", func(t *testing.T) {
		_, _, ssar := NewAccessReviews(&judge{})
		_, err := ssar.Create(authn.WithUser(context.Background(), &authn.UserInfo{Name: "bob"}), &authorizationv1.SelfSubjectAccessReview{
			Spec: authorizationv1.SelfSubjectAccessReviewSpec{ResourceAttributes: pods, NonResourceAttributes: &authorizationv1.NonResourceAttributes{Path: "/"}}}, nil)
		if !apierrors.IsInvalid(err) {
			t.Errorf("err = %v, want Invalid", err)
		}
	})
}
