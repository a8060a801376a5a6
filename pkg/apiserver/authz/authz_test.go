package authz

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"

	"keel.dev/keel/pkg/apiserver/authn"
	"keel.dev/keel/pkg/apiserver/request"
)

func TestForbiddenMessage(t *testing.T) {
	bob := &authn.UserInfo{Name: "bob"}
	cases := []struct {
		name string
		a    Attributes
		want string
	}{
		{"a namespaced resource names the namespace",
			Attributes{User: bob, Verb: "get", ResourceRequest: true, Namespace: "default", Resource: "pods", Name: "web"},
			`User "bob" cannot get resource "pods" in API group "" in the namespace "default"`},
		{"a subresource is joined to its resource",
			Attributes{User: bob, Verb: "create", ResourceRequest: true, Namespace: "demo", APIGroup: "apps", Resource: "deployments", Subresource: "scale"},
			`User "bob" cannot create resource "deployments/scale" in API group "apps" in the namespace "demo"`},
		{"a cluster-scoped resource says so",
			Attributes{User: bob, Verb: "list", ResourceRequest: true, Resource: "nodes"},
			`User "bob" cannot list resource "nodes" in API group "" at the cluster scope`},
		{"a non-resource path names the path",
			Attributes{User: bob, Verb: "get", Path: "/metrics"},
			`User "bob" cannot get path "/metrics"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := ForbiddenMessage(c.a); got != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
		})
	}
}

func TestAttributesFor(t *testing.T) {
	info, err := request.Parse(httptest.NewRequest("PATCH", "/apis/apps/v1/namespaces/demo/deployments/web/scale", nil))
	if err != nil {
		t.Fatal(err)
	}
	a := AttributesFor(&authn.UserInfo{Name: "bob"}, info)
	if a.Verb != "patch" || !a.ResourceRequest || a.APIGroup != "apps" || a.APIVersion != "v1" || a.Namespace != "demo" ||
		a.Resource != "deployments" || a.Subresource != "scale" || a.Name != "web" || a.User.Name != "bob" {
		t.Errorf("attributes = %+v", a)
	}
	info, err = request.Parse(httptest.NewRequest("GET", "/api/v1/namespaces/demo/secrets?watch=1&fieldSelector=metadata.name%3Ds", nil))
	if err != nil {
		t.Fatal(err)
	}
	if a := AttributesFor(&authn.UserInfo{Name: "bob"}, info); a.Verb != "watch" || a.Name != "s" {
		t.Errorf("a watch of one name: attributes = %+v", a)
	}
}

func TestUnion(t *testing.T) {
	noOpinion := AuthorizerFunc(func(context.Context, Attributes) (Decision, string, error) {
		return DecisionNoOpinion, "no rule", nil
	})
	failing := AuthorizerFunc(func(context.Context, Attributes) (Decision, string, error) {
		return DecisionNoOpinion, "", errors.New("boom")
	})
	cases := []struct {
		name string
		z    Authorizer
		want Decision
		err  bool
	}{
		{"the first decisive authorizer wins", Union(noOpinion, AlwaysAllow(), AlwaysDeny()), DecisionAllow, false},
		{"a deny before an allow denies", Union(AlwaysDeny(), AlwaysAllow()), DecisionDeny, false},
		{"nobody deciding is no opinion", Union(noOpinion, noOpinion), DecisionNoOpinion, false},
		{"an error stops the chain as a denial", Union(failing, AlwaysAllow()), DecisionDeny, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, _, err := c.z.Authorize(context.Background(), Attributes{})
			if d != c.want || (err != nil) != c.err {
				t.Errorf("decision %v err %v", d, err)
			}
		})
	}
}
