package authz

import (
	"context"
	"errors"
	"reflect"
	"testing"

	authorizationv1 "keel.dev/api/authorization/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"

	"keel.dev/keel/pkg/apiserver/authn"
)

// namespaceRules denies every request, lists one rule naming the namespace
// it is asked about and records who asked; fail makes the list incomplete.
type namespaceRules struct {
	alwaysDeny
	fail  error
	asked []string
}

func (n *namespaceRules) RulesFor(_ context.Context, u *authn.UserInfo, ns string) (Rules, error) {
	n.asked = append(n.asked, u.Name+"@"+ns)
	r := Rules{Resource: []ResourceRule{{Verbs: []string{"get", "list"}, APIGroups: []string{""}, Resources: []string{"pods"}, ResourceNames: []string{ns}}}}
	if n.fail != nil {
		r.Incomplete = true
	}
	return r, n.fail
}

func TestListRules(t *testing.T) {
	bob := &authn.UserInfo{Name: "bob"}
	allowAll := Rules{
		Resource:    []ResourceRule{{Verbs: []string{"*"}, APIGroups: []string{"*"}, Resources: []string{"*"}}},
		NonResource: []NonResourceRule{{Verbs: []string{"*"}, NonResourceURLs: []string{"*"}}},
	}
	podRule := ResourceRule{Verbs: []string{"get", "list"}, APIGroups: []string{""}, Resources: []string{"pods"}, ResourceNames: []string{"ns"}}
	yesNo := AuthorizerFunc(func(context.Context, Attributes) (Decision, string, error) { return DecisionAllow, "", nil })
	broken := errors.New("policy unavailable")
	cases := []struct {
		name    string
		z       Authorizer
		want    Rules
		wantErr string
	}{
		{"always allow grants every resource and path", AlwaysAllow(), allowAll, ""},
		{"always deny grants nothing and says so completely", AlwaysDeny(), Rules{}, ""},
		{"an authorizer that only answers questions is incomplete", yesNo, Rules{Incomplete: true}, ErrRulesNotListable.Error()},
		{"a union lists the rules of every member", Union(&namespaceRules{}, AlwaysAllow()),
			Rules{Resource: append([]ResourceRule{podRule}, allowAll.Resource...), NonResource: allowAll.NonResource}, ""},
		{"a union with a member that cannot list is incomplete", Union(yesNo, AlwaysDeny()), Rules{Incomplete: true}, ErrRulesNotListable.Error()},
		{"a union joins its members' errors", Union(yesNo, &namespaceRules{fail: broken}),
			Rules{Resource: []ResourceRule{podRule}, Incomplete: true}, "[" + ErrRulesNotListable.Error() + ", policy unavailable]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ListRules(context.Background(), c.z, bob, "ns")
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("rules = %+v, want %+v", got, c.want)
			}
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if gotErr != c.wantErr {
				t.Errorf("error = %q, want %q", gotErr, c.wantErr)
			}
		})
	}
	t.Run("a union's errors can be inspected", func(t *testing.T) {
		_, err := ListRules(context.Background(), Union(yesNo, &namespaceRules{fail: broken}), bob, "ns")
		if !errors.Is(err, broken) || !errors.Is(err, ErrRulesNotListable) {
			t.Errorf("err = %v: does not wrap both member errors", err)
		}
	})
}

func TestSelfSubjectRulesReview(t *testing.T) {
	bob := &authn.UserInfo{Name: "bob"}
	review := func(ns string) *authorizationv1.SelfSubjectRulesReview {
		return &authorizationv1.SelfSubjectRulesReview{ObjectMeta: metav1.ObjectMeta{Name: "ignored"}, Spec: authorizationv1.SelfSubjectRulesReviewSpec{Namespace: ns}}
	}
	cases := []struct {
		name string
		z    Authorizer
		want authorizationv1.SubjectRulesReviewStatus
	}{
		{"always allow answers the cluster-admin rules", AlwaysAllow(), authorizationv1.SubjectRulesReviewStatus{
			ResourceRules:    []authorizationv1.ResourceRule{{Verbs: []string{"*"}, APIGroups: []string{"*"}, Resources: []string{"*"}}},
			NonResourceRules: []authorizationv1.NonResourceRule{{Verbs: []string{"*"}, NonResourceURLs: []string{"*"}}},
		}},
		{"no rules are empty lists, not null", AlwaysDeny(), authorizationv1.SubjectRulesReviewStatus{
			ResourceRules: []authorizationv1.ResourceRule{}, NonResourceRules: []authorizationv1.NonResourceRule{},
		}},
		{"an authorizer that cannot list rules answers incomplete with the reason", questionsOnly(), authorizationv1.SubjectRulesReviewStatus{
			ResourceRules: []authorizationv1.ResourceRule{}, NonResourceRules: []authorizationv1.NonResourceRule{},
			Incomplete: true, EvaluationError: "authorizer does not support user rule resolution",
		}},
		{"the rules are those of the caller in the namespace asked about", &namespaceRules{}, authorizationv1.SubjectRulesReviewStatus{
			ResourceRules:    []authorizationv1.ResourceRule{{Verbs: []string{"get", "list"}, APIGroups: []string{""}, Resources: []string{"pods"}, ResourceNames: []string{"kube-system"}}},
			NonResourceRules: []authorizationv1.NonResourceRule{},
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := NewRulesReview(c.z).Create(authn.WithUser(context.Background(), bob), review("kube-system"), nil)
			if err != nil {
				t.Fatal(err)
			}
			got := out.(*authorizationv1.SelfSubjectRulesReview)
			if !reflect.DeepEqual(got.Status, c.want) {
				t.Errorf("status = %+v, want %+v", got.Status, c.want)
			}
			if got.Kind != "SelfSubjectRulesReview" || got.APIVersion != "authorization.k8s.io/v1" {
				t.Errorf("type = %+v", got.TypeMeta)
			}
			if got.Spec != (authorizationv1.SelfSubjectRulesReviewSpec{}) || got.Name != "" {
				t.Errorf("the answer echoes the request: spec %+v, name %q", got.Spec, got.Name)
			}
			if n, ok := c.z.(*namespaceRules); ok && !reflect.DeepEqual(n.asked, []string{"bob@kube-system"}) {
				t.Errorf("authorizer asked for %v, want bob@kube-system", n.asked)
			}
		})
	}
	bad := []struct {
		name    string
		ctx     context.Context
		in      *authorizationv1.SelfSubjectRulesReview
		message string
	}{
		{"a review without a namespace is a bad request", authn.WithUser(context.Background(), bob), review(""), "no namespace on request"},
		{"a review without a user is a bad request", context.Background(), review("default"), "no user present on request"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			_, err := NewRulesReview(AlwaysAllow()).Create(c.ctx, c.in, nil)
			if !apierrors.IsBadRequest(err) || err.Error() != c.message {
				t.Errorf("err = %v, want BadRequest %q", err, c.message)
			}
		})
	}
}

// questionsOnly allows everything as a plain AuthorizerFunc, which
// cannot list rules.
func questionsOnly() Authorizer {
	return AuthorizerFunc(func(context.Context, Attributes) (Decision, string, error) { return DecisionAllow, "", nil })
}
