package filters

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"keel.dev/keel/pkg/apiserver/authn"
	"keel.dev/keel/pkg/apiserver/authz"
)

// fakeAuthorizer records every check and denies the (resource, name)
// pairs in deny ("*" as resource denies everything, "" as name any name).
type fakeAuthorizer struct {
	mu      sync.Mutex
	deny    map[[2]string]string // → reason
	err     error
	checked []authz.Attributes
}

func (f *fakeAuthorizer) Authorize(_ context.Context, a authz.Attributes) (authz.Decision, string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.checked = append(f.checked, a)
	if f.err != nil {
		return authz.DecisionDeny, "", f.err
	}
	res := a.Resource
	if a.Subresource != "" {
		res += "/" + a.Subresource
	}
	for _, k := range [][2]string{{res, a.Name}, {res, ""}, {"*", ""}} {
		if reason, ok := f.deny[k]; ok {
			return authz.DecisionNoOpinion, reason, nil
		}
	}
	return authz.DecisionAllow, "", nil
}

// check is the impersonate attributes of one authorization check (the
// requestor is always alice in these tests).
func check(group, resource, sub, ns, name string) authz.Attributes {
	return authz.Attributes{Verb: "impersonate", ResourceRequest: true, APIGroup: group, APIVersion: "v1",
		Resource: resource, Subresource: sub, Namespace: ns, Name: name}
}

func TestImpersonation(t *testing.T) {
	alice := &authn.UserInfo{Name: "alice", Groups: []string{"admins", authn.AllAuthenticated}}
	type header struct{ k, v string }
	cases := []struct {
		name    string
		headers []header
		deny    map[[2]string]string
		// wantUser is who the next handler sees (nil: it is not reached).
		wantUser   *authn.UserInfo
		wantChecks []authz.Attributes
		wantCode   int
		wantBody   string
	}{
		{
			name:     "a request without impersonation headers goes on as its own user unchecked",
			wantUser: alice, wantCode: 200,
		},
		{
			name:       "a user alone is checked and gets system:authenticated",
			headers:    []header{{"Impersonate-User", "bob"}},
			wantUser:   &authn.UserInfo{Name: "bob", Groups: []string{authn.AllAuthenticated}},
			wantChecks: []authz.Attributes{check("", "users", "", "", "bob")},
			wantCode:   200,
		},
		{
			name:     "an empty Impersonate-User is no impersonation",
			headers:  []header{{"Impersonate-User", ""}},
			wantUser: alice, wantCode: 200,
		},
		{
			name:     "groups are checked one by one, in order, and system:authenticated is added",
			headers:  []header{{"Impersonate-User", "bob"}, {"Impersonate-Group", "dev"}, {"Impersonate-Group", "ops"}},
			wantUser: &authn.UserInfo{Name: "bob", Groups: []string{"dev", "ops", authn.AllAuthenticated}},
			wantChecks: []authz.Attributes{check("", "users", "", "", "bob"),
				check("", "groups", "", "", "dev"), check("", "groups", "", "", "ops")},
			wantCode: 200,
		},
		{
			name:     "system:authenticated asked for is not added twice",
			headers:  []header{{"Impersonate-User", "bob"}, {"Impersonate-Group", authn.AllAuthenticated}},
			wantUser: &authn.UserInfo{Name: "bob", Groups: []string{authn.AllAuthenticated}},
			wantChecks: []authz.Attributes{check("", "users", "", "", "bob"),
				check("", "groups", "", "", authn.AllAuthenticated)},
			wantCode: 200,
		},
		{
			name:     "a user asked for as system:unauthenticated does not get system:authenticated",
			headers:  []header{{"Impersonate-User", "bob"}, {"Impersonate-Group", authn.AllUnauthenticated}},
			wantUser: &authn.UserInfo{Name: "bob", Groups: []string{authn.AllUnauthenticated}},
			wantChecks: []authz.Attributes{check("", "users", "", "", "bob"),
				check("", "groups", "", "", authn.AllUnauthenticated)},
			wantCode: 200,
		},
		{
			name:       "system:anonymous gets system:unauthenticated",
			headers:    []header{{"Impersonate-User", authn.Anonymous}},
			wantUser:   &authn.UserInfo{Name: authn.Anonymous, Groups: []string{authn.AllUnauthenticated}},
			wantChecks: []authz.Attributes{check("", "users", "", "", authn.Anonymous)},
			wantCode:   200,
		},
		{
			name:     "system:anonymous with system:unauthenticated asked for gets it once",
			headers:  []header{{"Impersonate-User", authn.Anonymous}, {"Impersonate-Group", authn.AllUnauthenticated}},
			wantUser: &authn.UserInfo{Name: authn.Anonymous, Groups: []string{authn.AllUnauthenticated}},
			wantChecks: []authz.Attributes{check("", "users", "", "", authn.Anonymous),
				check("", "groups", "", "", authn.AllUnauthenticated)},
			wantCode: 200,
		},
		{
			name:    "a service account is checked in its namespace and gets the service account groups",
			headers: []header{{"Impersonate-User", "system:serviceaccount:ci:builder"}},
			wantUser: &authn.UserInfo{Name: "system:serviceaccount:ci:builder",
				Groups: []string{"system:serviceaccounts", "system:serviceaccounts:ci", authn.AllAuthenticated}},
			wantChecks: []authz.Attributes{check("", "serviceaccounts", "", "ci", "builder")},
			wantCode:   200,
		},
		{
			name:     "a service account with groups asked for gets those groups instead",
			headers:  []header{{"Impersonate-User", "system:serviceaccount:ci:builder"}, {"Impersonate-Group", "dev"}},
			wantUser: &authn.UserInfo{Name: "system:serviceaccount:ci:builder", Groups: []string{"dev", authn.AllAuthenticated}},
			wantChecks: []authz.Attributes{check("", "serviceaccounts", "", "ci", "builder"),
				check("", "groups", "", "", "dev")},
			wantCode: 200,
		},
		{
			name:       "a service account name with an invalid namespace is an ordinary user",
			headers:    []header{{"Impersonate-User", "system:serviceaccount:CI:builder"}},
			wantUser:   &authn.UserInfo{Name: "system:serviceaccount:CI:builder", Groups: []string{authn.AllAuthenticated}},
			wantChecks: []authz.Attributes{check("", "users", "", "", "system:serviceaccount:CI:builder")},
			wantCode:   200,
		},
		{
			name: "a UID and extras (keys lower-cased and percent-decoded) are checked value by value",
			headers: []header{{"Impersonate-User", "bob"}, {"Impersonate-Uid", "u-1"},
				{"Impersonate-Extra-Scopes", "view"}, {"Impersonate-Extra-Scopes", "edit"},
				{"Impersonate-Extra-Example.com%2FTeam", "blue"}},
			wantUser: &authn.UserInfo{Name: "bob", UID: "u-1", Groups: []string{authn.AllAuthenticated},
				Extra: map[string][]string{"scopes": {"view", "edit"}, "example.com/team": {"blue"}}},
			wantChecks: []authz.Attributes{check("", "users", "", "", "bob"),
				check("authentication.k8s.io", "userextras", "example.com/team", "", "blue"),
				check("authentication.k8s.io", "userextras", "scopes", "", "view"),
				check("authentication.k8s.io", "userextras", "scopes", "", "edit"),
				check("authentication.k8s.io", "uids", "", "", "u-1")},
			wantCode: 200,
		},
		{
			name:     "a group without a user is a 400",
			headers:  []header{{"Impersonate-Group", "dev"}},
			wantCode: 400,
			wantBody: `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"requested [{Group  dev    }] without impersonating a user","reason":"BadRequest","code":400}`,
		},
		{
			name:     "a UID and an extra without a user is a 400 naming both",
			headers:  []header{{"Impersonate-Uid", "u-1"}, {"Impersonate-Extra-Scopes", "view"}},
			wantCode: 400,
			wantBody: `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"requested [{UserExtra  view  authentication.k8s.io/v1  scopes} {UID  u-1  authentication.k8s.io/v1  }] without impersonating a user","reason":"BadRequest","code":400}`,
		},
		{
			name:       "a user the requestor may not impersonate is a 403",
			headers:    []header{{"Impersonate-User", "bob"}, {"Impersonate-Group", "dev"}},
			deny:       map[[2]string]string{{"users", "bob"}: ""},
			wantChecks: []authz.Attributes{check("", "users", "", "", "bob")},
			wantCode:   403,
			wantBody:   `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"users \"bob\" is forbidden: User \"alice\" cannot impersonate resource \"users\" in API group \"\" at the cluster scope","reason":"Forbidden","details":{"name":"bob","kind":"users"},"code":403}`,
		},
		{
			name:       "a denied group stops at that group, with the authorizer's reason",
			headers:    []header{{"Impersonate-User", "bob"}, {"Impersonate-Group", "dev"}, {"Impersonate-Group", "ops"}},
			deny:       map[[2]string]string{{"groups", "dev"}: "no rule for dev"},
			wantChecks: []authz.Attributes{check("", "users", "", "", "bob"), check("", "groups", "", "", "dev")},
			wantCode:   403,
			wantBody:   `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"groups \"dev\" is forbidden: User \"alice\" cannot impersonate resource \"groups\" in API group \"\" at the cluster scope: no rule for dev","reason":"Forbidden","details":{"name":"dev","kind":"groups"},"code":403}`,
		},
		{
			name:       "a denied service account names its namespace",
			headers:    []header{{"Impersonate-User", "system:serviceaccount:ci:builder"}},
			deny:       map[[2]string]string{{"serviceaccounts", ""}: ""},
			wantChecks: []authz.Attributes{check("", "serviceaccounts", "", "ci", "builder")},
			wantCode:   403,
			wantBody:   `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"serviceaccounts \"builder\" is forbidden: User \"alice\" cannot impersonate resource \"serviceaccounts\" in API group \"\" in the namespace \"ci\"","reason":"Forbidden","details":{"name":"builder","kind":"serviceaccounts"},"code":403}`,
		},
		{
			name:     "a denied extra names the userextras subresource",
			headers:  []header{{"Impersonate-User", "bob"}, {"Impersonate-Extra-Scopes", "edit"}},
			deny:     map[[2]string]string{{"userextras/scopes", "edit"}: ""},
			wantCode: 403,
			wantChecks: []authz.Attributes{check("", "users", "", "", "bob"),
				check("authentication.k8s.io", "userextras", "scopes", "", "edit")},
			wantBody: `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"userextras.authentication.k8s.io \"edit\" is forbidden: User \"alice\" cannot impersonate resource \"userextras/scopes\" in API group \"authentication.k8s.io\" at the cluster scope","reason":"Forbidden","details":{"name":"edit","group":"authentication.k8s.io","kind":"userextras"},"code":403}`,
		},
		{
			name:       "a denied UID is a 403 on uids",
			headers:    []header{{"Impersonate-User", "bob"}, {"Impersonate-Uid", "u-1"}},
			deny:       map[[2]string]string{{"uids", ""}: ""},
			wantCode:   403,
			wantChecks: []authz.Attributes{check("", "users", "", "", "bob"), check("authentication.k8s.io", "uids", "", "", "u-1")},
			wantBody:   `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"uids.authentication.k8s.io \"u-1\" is forbidden: User \"alice\" cannot impersonate resource \"uids\" in API group \"authentication.k8s.io\" at the cluster scope","reason":"Forbidden","details":{"name":"u-1","group":"authentication.k8s.io","kind":"uids"},"code":403}`,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			z := &fakeAuthorizer{deny: c.deny}
			var seen *authn.UserInfo
			var seenHeader http.Header
			h := WithImpersonation(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				seen, _ = authn.UserFrom(r.Context())
				seenHeader = r.Header.Clone()
			}), z)
			r := httptest.NewRequest("GET", "/api/v1/namespaces/default/pods", nil)
			r.Header.Set("Accept", "application/json")
			for _, hd := range c.headers {
				r.Header.Add(hd.k, hd.v)
			}
			r = r.WithContext(authn.WithUser(r.Context(), alice))
			w := serve(h, r)
			if w.Code != c.wantCode {
				t.Fatalf("code %d, want %d: %s", w.Code, c.wantCode, w.Body)
			}
			if c.wantBody != "" {
				if got := strings.TrimSpace(w.Body.String()); got != c.wantBody {
					t.Errorf("body\n got %s\nwant %s", got, c.wantBody)
				}
			}
			if diff := cmp.Diff(c.wantUser, seen, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("next handler's user (-want +got):\n%s", diff)
			}
			for i := range c.wantChecks {
				c.wantChecks[i].User = alice
			}
			// Extras come in sorted header order; values in header order.
			if diff := cmp.Diff(c.wantChecks, z.checked, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("authorization checks (-want +got):\n%s", diff)
			}
			if seen != nil && seen != alice {
				for k := range seenHeader {
					if strings.HasPrefix(k, "Impersonate-") {
						t.Errorf("header %s reached the next handler", k)
					}
				}
				if seenHeader.Get("Accept") != "application/json" {
					t.Errorf("other headers were lost: %v", seenHeader)
				}
			}
		})
	}
}

func TestImpersonationAuthorizerErrorIsForbidden(t *testing.T) {
	z := &fakeAuthorizer{err: errors.New("webhook down")}
	h := WithImpersonation(ok200, z)
	r := httptest.NewRequest("GET", "/api/v1/pods", nil)
	r.Header.Set("Impersonate-User", "bob")
	w := serve(h, r.WithContext(authn.WithUser(r.Context(), &authn.UserInfo{Name: "alice"})))
	want := `users \"bob\" is forbidden: User \"alice\" cannot impersonate resource \"users\" in API group \"\" at the cluster scope: webhook down`
	if w.Code != 403 || !strings.Contains(w.Body.String(), want) {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
}

func TestImpersonationWithoutAUserIsInternalError(t *testing.T) {
	r := httptest.NewRequest("GET", "/api/v1/pods", nil)
	r.Header.Set("Impersonate-User", "bob")
	w := serve(WithImpersonation(ok200, authz.AlwaysAllow()), r)
	if w.Code != 500 || !strings.Contains(w.Body.String(), "no user found for request") {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
}

// TestAuthorizationSeesTheImpersonatedUser runs the filters in the
// server's order: the request is authorized as bob, not as alice.
func TestAuthorizationSeesTheImpersonatedUser(t *testing.T) {
	z := authz.AuthorizerFunc(func(_ context.Context, a authz.Attributes) (authz.Decision, string, error) {
		switch {
		case a.User.Name == "alice" && a.Verb == "impersonate":
			return authz.DecisionAllow, "", nil
		case a.User.Name == "bob" && a.User.InGroup("dev") && a.Resource == "pods" && a.Verb == "list":
			return authz.DecisionAllow, "", nil
		}
		return authz.DecisionNoOpinion, "", nil
	})
	alice := authn.AuthenticatorFunc(func(*http.Request) (*authn.UserInfo, bool, error) {
		return &authn.UserInfo{Name: "alice"}, true, nil
	})
	h := WithRequestInfo(WithAuthentication(WithImpersonation(WithAuthorization(ok200, z), z), alice, nil))
	cases := []struct {
		name     string
		path     string
		groups   []string
		wantCode int
		wantMsg  string
	}{
		{"bob in dev may list pods", "/api/v1/namespaces/default/pods", []string{"dev"}, 200, ""},
		{"bob outside dev may not", "/api/v1/namespaces/default/pods", nil, 403,
			`pods is forbidden: User \"bob\" cannot list resource \"pods\" in API group \"\" in the namespace \"default\"`},
		{"bob may not get secrets, which alice could not either", "/api/v1/namespaces/default/secrets/s", []string{"dev"}, 403,
			`secrets \"s\" is forbidden: User \"bob\" cannot get resource \"secrets\"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", c.path, nil)
			r.Header.Set("Impersonate-User", "bob")
			for _, g := range c.groups {
				r.Header.Add("Impersonate-Group", g)
			}
			w := serve(h, r)
			if w.Code != c.wantCode || !strings.Contains(w.Body.String(), c.wantMsg) {
				t.Fatalf("%d %s", w.Code, w.Body)
			}
		})
	}
}
