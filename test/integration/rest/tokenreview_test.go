package rest

import (
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"keel.dev/keel/pkg/apiserver/app"
	"keel.dev/keel/test/integration/framework"
)

func TestTokenReview(t *testing.T) {
	tokens := filepath.Join(t.TempDir(), "tokens.csv")
	if err := os.WriteFile(tokens, []byte("static-secret,alice,1001,\"dev,ops\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := framework.StartTestServer(t, func(c *app.Config) { c.TokenAuthFile = tokens })
	sa := s.Create(t, "/api/v1/namespaces/default/serviceaccounts",
		map[string]any{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": map[string]any{"name": "robot"}})
	saToken := func(audiences ...string) string {
		t.Helper()
		spec := map[string]any{}
		if len(audiences) > 0 {
			spec["audiences"] = audiences
		}
		resp := s.Do(t, framework.Request{Method: http.MethodPost, Path: "/api/v1/namespaces/default/serviceaccounts/robot/token",
			Body: framework.JSON(t, map[string]any{"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest", "spec": spec})})
		framework.Expect(t, resp, http.StatusCreated, "TokenRequest")
		return framework.String(resp.Object(t), "status.token")
	}
	apiToken, vaultToken := saToken(), saToken("vault")

	cases := []struct {
		name          string
		token         string
		audiences     []string
		authenticated bool
		user          string
		uid           string
		groups        []string
		wantAuds      []string
		errorHas      string
	}{
		{name: "a service account token for the API is authenticated", token: apiToken, authenticated: true,
			user: "system:serviceaccount:default:robot", uid: framework.String(sa, "metadata.uid"),
			groups:   []string{"system:serviceaccounts", "system:serviceaccounts:default", "system:authenticated"},
			wantAuds: []string{"https://kubernetes.default.svc.cluster.local"}},
		{name: "a token for another audience is authenticated for that audience", token: vaultToken, audiences: []string{"vault", "other"},
			authenticated: true, user: "system:serviceaccount:default:robot", wantAuds: []string{"vault"}},
		{name: "a token for another audience is refused for the API", token: vaultToken, errorHas: "audience"},
		{name: "a static token is authenticated with its groups", token: "static-secret", authenticated: true,
			user: "alice", uid: "1001", groups: []string{"dev", "ops", "system:authenticated"},
			wantAuds: []string{"https://kubernetes.default.svc.cluster.local"}},
		{name: "an unknown token is not authenticated", token: "nobody-knows-this"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			spec := map[string]any{"token": c.token}
			if c.audiences != nil {
				spec["audiences"] = c.audiences
			}
			resp := s.Do(t, framework.Request{Method: http.MethodPost, Path: "/apis/authentication.k8s.io/v1/tokenreviews",
				Body: framework.JSON(t, map[string]any{"apiVersion": "authentication.k8s.io/v1", "kind": "TokenReview", "spec": spec})})
			framework.Expect(t, resp, http.StatusCreated, "TokenReview")
			obj := resp.Object(t)
			if framework.String(obj, "kind") != "TokenReview" {
				t.Errorf("kind = %q", framework.String(obj, "kind"))
			}
			authenticated, _ := framework.Field(obj, "status.authenticated").(bool)
			if authenticated != c.authenticated {
				t.Fatalf("authenticated = %v, want %v: %s", authenticated, c.authenticated, resp.Body)
			}
			if u := framework.String(obj, "status.user.username"); u != c.user {
				t.Errorf("username = %q, want %q", u, c.user)
			}
			if c.uid != "" && framework.String(obj, "status.user.uid") != c.uid {
				t.Errorf("uid = %q, want %q", framework.String(obj, "status.user.uid"), c.uid)
			}
			if c.groups != nil && !slices.Equal(strs(framework.Field(obj, "status.user.groups")), c.groups) {
				t.Errorf("groups = %v, want %v", framework.Field(obj, "status.user.groups"), c.groups)
			}
			if got := strs(framework.Field(obj, "status.audiences")); !slices.Equal(got, c.wantAuds) {
				t.Errorf("audiences = %v, want %v", got, c.wantAuds)
			}
			if e := framework.String(obj, "status.error"); !strings.Contains(e, c.errorHas) || (c.errorHas == "" && e != "") {
				t.Errorf("error = %q, want one with %q", e, c.errorHas)
			}
		})
	}

	t.Run("a review without a token is a bad request", func(t *testing.T) {
		resp := s.Do(t, framework.Request{Method: http.MethodPost, Path: "/apis/authentication.k8s.io/v1/tokenreviews",
			Body: framework.JSON(t, map[string]any{"apiVersion": "authentication.k8s.io/v1", "kind": "TokenReview", "spec": map[string]any{}})})
		framework.Expect(t, resp, http.StatusBadRequest, "TokenReview without a token")
		if m := framework.String(resp.Object(t), "message"); m != "token is required for TokenReview in authentication" {
			t.Errorf("message = %q", m)
		}
	})
}

func strs(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, x := range list {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}
